"""``marquee notify``: the outbox of customer e-mail and SMS, and delivering it.

``send`` delivers what is due once; ``worker`` keeps delivering (Ctrl-C stops it
after the message in hand); ``reminders`` queues the reminders now due. With no
provider configured for a channel its messages wait in the outbox. Provider
keys are never printed.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from typing import Annotated, Any

import typer
from rich.text import Text

from console import context
from console.choices import OutboxState, plain
from console.options import AsJson, LogLevel
from console.render import done, emit_json, render, render_record, stderr, stdout
from core.outbox import OutboxMessage
from core.services.notify import SendReport
from core.startup import log_to_file

notify = typer.Typer(
    help="Customer e-mail and SMS: the outbox and its delivery.", no_args_is_help=True
)

CHANNEL_NAMES = {"email": "e-mail", "sms": "SMS"}


def register(app: typer.Typer) -> None:
    app.add_typer(notify, name="notify")


def _time(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch).astimezone()


def _when(message: OutboxMessage) -> dt.datetime | None:
    """When a message went, or is due; a failed one: when it was written."""
    if message.state == "sent":
        return _time(message.sent_at)
    if message.state == "failed":
        return message.created_at.astimezone()
    return _time(message.due_at)


def message_json(message: OutboxMessage) -> dict[str, Any]:
    """A message for scripts: everything but the ticket tokens and the HTML."""
    data = message.model_dump(mode="json", exclude={"tickets", "html", "leased_by"})
    return data | {
        "due_at": _time(message.due_at),
        "lease_until": _time(message.lease_until),
        "sent_at": _time(message.sent_at),
        "tickets": [ticket.seat_id for ticket in message.tickets],
    }


@notify.command("outbox")
def outbox(
    state: Annotated[
        OutboxState | None, typer.Option("--state", help="Only messages in this state.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first.")] = 100,
    as_json: AsJson = False,
) -> None:
    """List customer messages, newest first: what was sent, what waits, what failed."""
    box_office = context.services()
    messages = box_office.notify.outbox(context.actor(), state=plain(state), limit=limit)
    rows = [
        {
            "time": _when(m),
            "kind": m.kind,
            "to": m.to,
            "reference": m.reference,
            "state": m.state,
            "attempts": m.attempts,
            "last_error": m.last_error,
        }
        for m in messages
    ]
    columns = ["time", "kind", "to", "reference", "state", "attempts", "last_error"]
    render(rows, as_json, columns, title="Messages", json_rows=[message_json(m) for m in messages])
    if not as_json:
        stdout.print(Text(_providers_line(box_office.notify.providers()), "dim"))


@notify.command("show")
def show(
    key: Annotated[str, typer.Argument(help="A message id, or a booking reference.")],
    as_json: AsJson = False,
) -> None:
    """Messages in full (one, or all of a booking): where they go, state and text."""
    messages = context.services().notify.messages(context.actor(), key)
    if as_json:
        emit_json([message_json(message) for message in messages])
        return
    for number, message in enumerate(messages):
        if number:
            stdout.print()
        render_record(
            {
                "id": message.id,
                "kind": message.kind,
                "to": f"{message.to} ({CHANNEL_NAMES[message.channel]})",
                "reference": message.reference,
                "state": message.state,
                "attempts": message.attempts,
                "last_error": message.last_error,
                "tickets": [ticket.seat_id for ticket in message.tickets],
                "subject": message.subject,
            },
            False,
        )
        stdout.print()
        stdout.print(Text(message.text.rstrip()))


@notify.command("send")
def send(as_json: AsJson = False) -> None:
    """Deliver the messages that are due, once."""
    box_office = context.services()
    report = box_office.notify.send_due(context.actor())
    if as_json:
        emit_json(_report_json(report))
        return
    done(_report_line(report))
    for channel, count in report.waiting.items():
        if count:
            name = CHANNEL_NAMES[channel]
            done(f"{count} {name} message(s) wait in the outbox: no {name} provider is configured")


@notify.command("requeue")
def requeue(
    key: Annotated[
        str | None,
        typer.Argument(help="A message id or booking reference; without one, every failed."),
    ] = None,
) -> None:
    """Try failed messages again, from the first attempt."""
    count = context.services().notify.requeue(context.actor(), key)
    done(f"{count} failed message(s) queued again")


@notify.command("reminders")
def reminders(as_json: AsJson = False) -> None:
    """Queue a reminder for every booking of the showtimes starting soon (never twice)."""
    queued = context.services().notify.queue_reminders(context.actor())
    if as_json:
        emit_json({"queued": queued})
    else:
        done(f"queued {queued} reminder(s)")


@notify.command("worker")
def worker(
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    interval: Annotated[
        float | None,
        typer.Option("--interval", min=0.1, help="Seconds between rounds (notify.worker_poll_s)."),
    ] = None,
    log_level: LogLevel = None,
) -> None:
    """Keep delivering due messages, queueing reminders and missed confirmations; Ctrl-C stops."""
    # Server-side: the worker holds the messaging providers' keys.
    box_office, actor = context.core_box_office(), context.core_actor()
    if not once:
        log_to_file(box_office, "notify.log", level=log_level)
    stop = threading.Event()

    def on_round(report: SendReport) -> None:
        if once:
            stop.set()
        if once or report.sent or report.retrying or report.failed or report.caught_up:
            done(_report_line(report))

    def on_error(error: Exception) -> None:
        if once:
            raise error
        first = str(error).splitlines()[0] if str(error) else ""
        stderr.print(Text(f"warning: round failed: {error.__class__.__name__}: {first}"))

    with _stop_on_interrupt(stop):  # before it says it runs: a stop from then on is heard
        if not once:
            done(f"delivering; {_providers_line(box_office.notify.providers())}; Ctrl-C stops")
        box_office.notify.work(
            actor, stop, interval_s=interval, on_round=on_round, on_error=on_error
        )
    if not once:
        done("worker stopped")


class _stop_on_interrupt:  # noqa: N801 - used as a context manager
    """Ctrl-C or SIGTERM (a service manager stopping it) sets ``stop``: the message in
    hand is finished; a second Ctrl-C interrupts."""

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop
        self._previous: Any = None
        self._previous_term: Any = None

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._interrupt)
            self._previous_term = signal.signal(signal.SIGTERM, self._terminate)

    def _interrupt(self, *_: object) -> None:
        self._stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def _terminate(self, *_: object) -> None:
        self._stop.set()

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            signal.signal(signal.SIGTERM, self._previous_term)


def _report_json(report: SendReport) -> dict[str, Any]:
    return {
        "sent": report.sent,
        "retrying": report.retrying,
        "failed": report.failed,
        "caught_up": report.caught_up,
        "reminders": report.reminders,
        "waiting": report.waiting,
    }


def _report_line(report: SendReport) -> str:
    line = f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
    extra = []
    if report.caught_up:
        extra.append(f"{report.caught_up} missed confirmation(s) queued")
    if report.reminders:
        extra.append(f"{report.reminders} reminder(s) queued")
    return line + (f" ({', '.join(extra)})" if extra else "")


def _providers_line(providers: dict[str, str | None]) -> str:
    return ", ".join(
        f"{CHANNEL_NAMES[channel]}: {name or 'no provider (messages wait here)'}"
        for channel, name in providers.items()
    )
