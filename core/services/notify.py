"""Customer notifications: the outbox, delivering it once or as a worker, reminders.

Observers queue messages as bookings and showtimes change (``core.notify.writer``);
this service lists the outbox and delivers it. Every delivery round first runs
a cheap catch-up that queues the confirmation of recently confirmed bookings
that lack it, so a crash between a booking's save and its observer loses
nothing. A channel without a configured provider keeps its messages queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from core.clock import Clock
from core.config import Config
from core.errors import InvalidInput, NotFound
from core.events import EventBus
from core.notify.delivery import Dispatcher
from core.notify.sender_base import Sender
from core.notify.senders import senders_from_config
from core.notify.writer import OutboxWriter
from core.outbox import OUTBOX_STATES, OutboxMessage
from core.records import SendReport as SendReport
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.tickets import TicketService

CHANNELS = ("email", "sms")
# Seconds between a worker's catch-up and reminder runs.
HOUSEKEEPING_S = 60.0


class NotifyService:
    def __init__(
        self,
        store: Store,
        access: Access,
        config: Config,
        tickets: TicketService,
        clock: Clock = time.time,
        senders: Mapping[str, Sender] | None = None,
        name: str | None = None,
    ) -> None:
        self._store = store
        self._access = access
        self._clock = clock
        self._config = config.notify
        self._writer = OutboxWriter(store, tickets, config.notify, clock)
        if senders is None:
            senders = senders_from_config(config)
        self._dispatcher = Dispatcher(store.outbox, senders, config.notify, clock, name)

    def subscribe(self, events: EventBus) -> None:
        """Queue messages as bookings and showtimes change."""
        self._writer.subscribe(events)

    def providers(self) -> dict[str, str | None]:
        """The provider of each channel, None where none is configured."""
        senders = self._dispatcher.senders
        return {channel: getattr(senders.get(channel), "name", None) for channel in CHANNELS}

    # -- reading ----------------------------------------------------------------
    def outbox(
        self, actor: Actor, state: str | None = None, limit: int = 100
    ) -> list[OutboxMessage]:
        """Messages newest first; staff and managers see their own theaters'."""
        self._access.require(actor, "notify.read")
        if state is not None and state not in OUTBOX_STATES:
            raise InvalidInput("state", f"must be one of {', '.join(OUTBOX_STATES)}")
        if not 1 <= limit <= 10_000:
            raise InvalidInput("limit", "must be 1 to 10000")
        theaters = None if actor.role == "admin" else actor.theaters
        return self._store.outbox.listing(state, theaters, limit)

    def messages(self, actor: Actor, key: str) -> list[OutboxMessage]:
        """The message with id ``key``, or every message of the booking ``key`` names."""
        self._access.require(actor, "notify.read")
        try:
            found = [self._store.outbox.get(key)]
        except NotFound:
            try:
                booking = self._store.bookings.by_reference(key)
            except NotFound:
                raise NotFound("message or booking", key) from None
            found = self._store.outbox.for_booking(booking.id)
        for message in found:
            self._access.require(actor, "notify.read", message.theater_id)
        return found

    def resend(self, actor: Actor, reference: str) -> int:
        """Send a confirmed booking's tickets again (a customer lost them); how many queued."""
        booking = self._store.bookings.by_reference(reference)
        self._access.require(actor, "bookings.read", booking.theater_id)
        if booking.state != "confirmed":
            raise InvalidInput("reference", f"booking {booking.reference} is {booking.state}")
        if not booking.contact.email and not booking.contact.phone:
            raise InvalidInput("contact", f"booking {booking.reference} has no e-mail or phone")
        cause = ("resent", str(int(self._clock())))
        return self._writer.queue("confirmed", booking, cause=cause, with_tickets=True)

    def requeue(self, actor: Actor, key: str | None = None) -> int:
        """Try failed messages again (a provider was down, an address was fixed): the
        message ``key`` names, every failed one of the booking it names, or, without
        a key, every failed message the caller may see. Returns how many."""
        self._access.require(actor, "notify.send")
        if key is None:
            failed = self.outbox(actor, state="failed", limit=10_000)
        else:
            failed = [m for m in self.messages(actor, key) if m.state == "failed"]
            if not failed:
                raise InvalidInput("key", f"{key} has no failed message")
        for message in failed:
            self._access.require(actor, "notify.send", message.theater_id)
        return self._store.outbox.requeue([m.id for m in failed], self._clock())

    # -- delivering ---------------------------------------------------------------
    def send_due(
        self, actor: Actor, *, stop: threading.Event | None = None, catch_up: bool = True
    ) -> SendReport:
        """Deliver what is due now, once (after the catch-up)."""
        self._access.require(actor, "notify.send")
        caught_up = self._writer.catch_up() if catch_up else 0
        delivered = self._dispatcher.deliver_due(stop)
        return SendReport(
            caught_up=caught_up,
            sent=delivered.sent,
            retrying=delivered.retrying,
            failed=delivered.failed,
            waiting=self._waiting(),
        )

    def queue_reminders(self, actor: Actor) -> int:
        """Queue the reminders now due; how many. Running it again queues none twice."""
        self._access.require(actor, "notify.send")
        return self._writer.reminders()

    def work(
        self,
        actor: Actor,
        stop: threading.Event,
        *,
        interval_s: float | None = None,
        on_round: Callable[[SendReport], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Deliver until ``stop`` is set: a round every ``interval_s`` (default
        ``notify.worker_poll_s``), reminders and the catch-up every minute. A round
        that fails (the database is away) is reported and the next one tries again."""
        self._access.require(actor, "notify.send")
        interval_s = interval_s or self._config.worker_poll_s
        next_housekeeping = 0.0
        while not stop.is_set():
            housekeeping = time.monotonic() >= next_housekeeping
            try:
                reminded = self.queue_reminders(actor) if housekeeping else 0
                report = self.send_due(actor, stop=stop, catch_up=housekeeping)
            except Exception as error:
                if on_error is None:
                    raise
                on_error(error)
            else:
                if housekeeping:
                    next_housekeeping = time.monotonic() + HOUSEKEEPING_S
                if on_round is not None:
                    on_round(replace(report, reminders=reminded))
            stop.wait(interval_s)

    def _waiting(self) -> dict[str, int]:
        idle = [channel for channel in CHANNELS if channel not in self._dispatcher.senders]
        return {channel: self._store.outbox.count_queued([channel]) for channel in idle}
