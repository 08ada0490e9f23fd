"""What every sale screen shares: the host app's services, and database calls in threads.

The screens of a sale (browse, showtimes, seats, tickets, payment, confirmation)
serve the kiosk and the counter console alike. They reach the box office through
the app that hosts them (a :class:`SaleHost`) and never block the UI: every
service call runs in a thread worker through :func:`run_db`, which brings the
result, a refusal (a :class:`DomainError`, shown in plain words) or a database
failure back to the UI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any, Protocol, TypeVar, cast

from textual import events
from textual.dom import DOMNode
from textual.screen import Screen

from core.bootstrap import STORAGE_FAILURES, BoxOffice
from core.errors import DomainError, StorageError
from core.services.access import Actor
from core.services.booking import Basket
from core.services.schedule import ShowtimeInfo

T = TypeVar("T")

# What "the database is not answering" looks like to a UI.
FAILURES: tuple[type[BaseException], ...] = (StorageError, *STORAGE_FAILURES)
DAYS_AHEAD = 7  # today and the next six days


class SaleHost(Protocol):
    """The app a sale runs in (the kiosk, or the counter console)."""

    box_office: BoxOffice
    actor: Actor
    theater_id: str
    channel: str
    payment_methods: list[str]
    basket: Basket | None  # the sale in progress, so a reset can release its seats

    def end_sale(self) -> None:
        """The sale is over (paid, cancelled or abandoned): release what is held, start again."""

    def storage_failed(self, error: BaseException) -> None:
        """The database did not answer."""

    def unexpected_error(self, error: BaseException) -> None:
        """A bug: log it, never show a traceback."""


def run_db(
    node: DOMNode,
    job: Callable[[], T],
    then: Callable[[T], Any] | None = None,
    *,
    on_refused: Callable[[DomainError], Any] | None = None,
    exclusive: bool = False,
    group: str = "db",
) -> None:
    """Run ``job()`` in a thread worker of ``node``; hand its outcome back on the UI thread.

    ``then(result)`` and ``on_refused(error)`` run only while ``node`` is still
    mounted (a screen the customer left gets nothing); database failures and
    bugs always reach the app."""
    host = cast(SaleHost, node.app)

    def warn(error: DomainError) -> None:
        node.app.notify(sentence(str(error)), severity="warning")

    def work() -> None:
        try:
            result = job()
        except DomainError as error:
            deliver(node, on_refused or warn, error)
        except FAILURES as error:
            deliver(node.app, host.storage_failed, error)
        except Exception as error:  # a bug: reported, never a traceback on screen
            deliver(node.app, host.unexpected_error, error)
        else:
            if then is not None:
                deliver(node, then, result)

    node.run_worker(work, thread=True, exclusive=exclusive, group=group, exit_on_error=False)


def deliver(node: DOMNode, callback: Callable[[T], Any], value: T) -> None:
    """From any thread: call ``callback(value)`` on the UI thread, unless ``node`` has closed."""
    with suppress(RuntimeError):  # the event loop has closed: the app is gone
        node.post_message(events.Callback(callback=partial(callback, value)))


def abandon_basket(app: DOMNode) -> None:
    """Let the sale in progress go: its seats are released in the background."""
    host = cast(SaleHost, app)
    basket, host.basket = host.basket, None
    if basket is not None:
        office, actor = host.box_office, host.actor
        run_db(app, lambda: office.booking.abandon(actor, basket), group="abandon")


class SaleScreen(Screen):
    """A screen of the sale flow."""

    busy = False  # True while a payment runs: the kiosk does not time out then

    @property
    def host(self) -> SaleHost:
        return cast(SaleHost, self.app)

    @property
    def office(self) -> BoxOffice:
        return self.host.box_office

    @property
    def actor(self) -> Actor:
        return self.host.actor

    def call_db(
        self,
        job: Callable[[], T],
        then: Callable[[T], Any] | None = None,
        *,
        on_refused: Callable[[DomainError], Any] | None = None,
        exclusive: bool = False,
        group: str = "db",
    ) -> None:
        run_db(self, job, then, on_refused=on_refused, exclusive=exclusive, group=group)


def day_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "Today"
    if day == today + dt.timedelta(days=1):
        return "Tomorrow"
    return day.strftime("%a %d %b")


def sentence(text: str) -> str:
    """An error message as a sentence: first letter up, the rest as it was."""
    return text[:1].upper() + text[1:]


def showing_line(info: ShowtimeInfo, seat_ids: list[str] | None = None) -> str:
    """'Orbit of Ash · Wed 26 Nov 19:30 · Screen 2 · 2D' and the seats, if any."""
    start = info.local_start.strftime("%a %d %b %H:%M")
    line = f"{info.movie.title} · {start} · {info.auditorium.name} · {info.showtime.format}"
    if seat_ids:
        line += f" · Seat{'s' if len(seat_ids) > 1 else ''} {', '.join(seat_ids)}"
    return line
