"""What every sale screen shares: the host app's services, and database calls in threads.

The screens of a sale (browse, showtimes, seats, tickets, payment, confirmation)
serve the kiosk and the counter console alike. They reach the box office through
the app that hosts them (a :class:`SaleHost`) and never block the UI: every
service call runs in a thread worker through :func:`run_db`, which brings the
result, a refusal (a :class:`DomainError`, shown in plain words) or a database
failure back to the UI thread.

A customer may be signed in (at the kiosk): the host keeps their session token,
never their password, and every read of their data goes through that token
(:func:`customer_actor`), so an ended session is noticed at once.
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
from textual.widgets import Footer

from client.remote import RemoteBoxOffice
from core.accounts import Preferences
from core.actor import Actor
from core.basket import Basket
from core.errors import DeviceInvalid, DomainError, SessionInvalid, StorageError
from core.records import ShowtimeInfo
from server.contract.session import SessionOut, TerminalSettings

T = TypeVar("T")

# What "the box office is not answering" looks like to a UI (the client says so).
FAILURES: tuple[type[BaseException], ...] = (StorageError,)
DAYS_AHEAD = 7  # today and the next six days


class SaleHost(Protocol):
    """The app a sale runs in (the kiosk, or the counter console)."""

    box_office: RemoteBoxOffice  # the box-office server, as this terminal
    actor: Actor
    theater_id: str
    channel: str
    payment_methods: list[str]
    basket: Basket | None  # the sale in progress (a read-only view), so a reset can release it
    customer_token: str | None  # the signed-in customer's session; None for a guest
    settings: TerminalSettings  # the box office's settings a terminal needs
    # Keys of its own beside the sale's (the counter's F-keys): footers drop their padding.
    compact_footer: bool

    def end_sale(self) -> None:
        """The sale is over (paid, cancelled or abandoned): release what is held, start again."""

    def customer_signed_in(self, session: SessionOut) -> None:
        """A customer signed in (or registered): keep their session."""

    def sign_out(self, message: str = "") -> None:
        """Forget the customer's session and close their account screens; ``message`` says so."""

    def session_ended(self, error: DomainError) -> None:
        """The customer's session cannot be used any more: sign out, ask to sign in again."""

    def storage_failed(self, error: BaseException) -> None:
        """The database did not answer."""

    def unpaired(self, error: DomainError) -> None:
        """The box office refuses this terminal's device token (revoked)."""

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
        except DeviceInvalid as error:  # this terminal's token was revoked
            deliver(node.app, host.unpaired, error)
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
        box_office, actor = host.box_office, host.actor
        run_db(app, lambda: box_office.checkout.abandon(actor, basket.id), group="abandon")


def customer_office(host: SaleHost) -> RemoteBoxOffice:
    """The box office as the signed-in customer: their own session token on every call;
    SessionInvalid when nobody is signed in."""
    token = host.customer_token
    if token is None:
        raise SessionInvalid("nobody is signed in")
    return host.box_office.with_token(token)


def customer_actor(host: SaleHost) -> Actor:
    """(In a worker.) The signed-in customer, as the server sees their session token;
    SessionInvalid when nobody is signed in or the session has ended."""
    caller = customer_office(host).me()
    return Actor(
        subject=caller.subject,
        role=caller.role,  # type: ignore[arg-type]
        theaters=tuple(caller.theaters),
        user_id=caller.user_id,
    )


def customer_or_guest(node: DOMNode) -> Actor | None:
    """(In a worker.) The signed-in customer, or None for a guest. A session that has
    ended signs the customer out (they are told) and the sale goes on as a guest's."""
    host = cast(SaleHost, node.app)
    if host.customer_token is None:
        return None
    try:
        return customer_actor(host)
    except SessionInvalid as error:
        deliver(node.app, host.session_ended, error)
        return None


def customer_preferences(node: DOMNode) -> Preferences | None:
    """(In a worker.) The signed-in customer's saved preferences; None for a guest."""
    customer = customer_or_guest(node)
    if customer is None:
        return None
    office = customer_office(cast(SaleHost, node.app))
    return office.customers.profile(customer).preferences


def link_customer(node: DOMNode, basket: Basket) -> Basket:
    """(In a worker.) A signed-in customer's basket: the booking will be theirs and the
    tickets go where their preferences say."""
    customer = customer_or_guest(node)
    if customer is None:
        return basket
    host = cast(SaleHost, node.app)
    contact = customer_office(host).customers.contact_for(customer)
    return host.box_office.booking.set_buyer(host.actor, basket.id, contact, customer.user_id)


class SaleScreen(Screen):
    """A screen of the sale flow."""

    busy = False  # True while a payment runs: the kiosk does not time out then
    account_screen = False  # a screen of the customer's account: closed on signing out

    @property
    def host(self) -> SaleHost:
        return cast(SaleHost, self.app)

    @property
    def box_office(self) -> RemoteBoxOffice:
        return self.host.box_office

    @property
    def actor(self) -> Actor:
        return self.host.actor

    def keep_basket(self, basket: Basket) -> Basket:
        """Show ``basket``, the view a service call returned, unless a newer one is shown
        already (answers of calls in flight may arrive out of order); the host keeps it too."""
        current: Basket | None = getattr(self, "basket", None)
        if current is None or current.id != basket.id or basket.version >= current.version:
            self.basket = basket
            if self.host.basket is not None and self.host.basket.id == basket.id:
                self.host.basket = basket
        return self.basket

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


class CustomerScreen(SaleScreen):
    """A screen of a signed-in customer's account: it closes when they sign out."""

    account_screen = True

    def refused(self, error: DomainError) -> None:
        """An ended session signs the customer out; anything else is said in a sentence."""
        if isinstance(error, SessionInvalid):
            self.host.session_ended(error)
        else:
            self.notify(sentence(str(error)), severity="warning")


def day_label(day: dt.date, today: dt.date, *, short: bool = False) -> str:
    """ "Today", "Tomorrow", else "Mon 07 Dec" ("Mon 07" when ``short``)."""
    if day == today:
        return "Today"
    if day == today + dt.timedelta(days=1):
        return "Tomorrow"
    return day.strftime("%a %d" if short else "%a %d %b")


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


class NeverATraceback:
    """Mixed into a sale host's App: an exception nothing caught becomes the host's
    "database not answering" or "something went wrong", never a traceback."""

    def _handle_exception(self, error: Exception) -> None:
        try:
            if isinstance(error, FAILURES):
                self.storage_failed(error)
            else:
                self.unexpected_error(error)
        except Exception:  # the handling failed too: let Textual end the app
            super()._handle_exception(error)


def sale_footer(screen: Screen) -> Footer:
    """A sale screen's footer, compact where the host app adds keys of its own."""
    return Footer(compact=cast(SaleHost, screen.app).compact_footer)
