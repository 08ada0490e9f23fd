"""The counter console: sign in, then sell, look after bookings, and watch the day.

It hosts the shared sale screens (``screens/``) as their :class:`SaleHost`, like
the kiosk, but as the signed-in clerk: cash is offered, holds last the counter's
time, and what the clerk may do follows their role in the services.

It is a client of its box-office server: the counter's device token (``counter``)
says which till this is; staff sign in there, and each clerk's calls go with their
own session's token (``box_office`` while someone is signed in).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.timer import Timer

from client.remote import RemoteBoxOffice
from console.counter.dashboard import Dashboard
from console.counter.desk import BookingsDesk
from console.counter.drawer import CashDrawer
from console.counter.manage import ManageHome
from console.counter.sell import SellHome
from console.counter.signin import SignInScreen
from console.counter.staff import end_session
from core.actor import Actor
from core.basket import Basket
from core.errors import DomainError, StorageError
from screens.base import NeverATraceback, abandon_basket, sentence
from server.contract.session import SessionOut

log = logging.getLogger("marquee.console")
WORK_MODES = ("sell", "drawer", "bookings", "dashboard", "manage")
# A cash sale with no drawer shift open: the sale waits in sell mode meanwhile.
OPEN_DRAWER_HINT = "press F2 and O to open the drawer with its float, then F1 to come back here"
RENEW_AGAIN_S = 15.0  # the soonest a renewal is tried (again)


class CounterApp(NeverATraceback, App):
    TITLE = "Marquee counter"
    DEFAULT_MODE = "signin"
    MODES = {
        "signin": SignInScreen,
        "sell": SellHome,
        "drawer": CashDrawer,
        "bookings": BookingsDesk,
        "dashboard": Dashboard,
        "manage": ManageHome,
    }
    ENABLE_COMMAND_PALETTE = False
    open_drawer_hint = OPEN_DRAWER_HINT
    compact_footer = True  # the sale's keys and F1-F5 share one footer line
    BINDINGS = [
        Binding("f1", "work('sell')", "Sell", priority=True),
        Binding("f2", "work('drawer')", "Drawer", priority=True),
        Binding("f3", "work('bookings')", "Bookings", priority=True),
        Binding("f4", "work('dashboard')", "Today", priority=True),
        Binding("f5", "work('manage')", "Manage", priority=True),
        Binding("ctrl+o", "sign_out", "Sign out", priority=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        counter: RemoteBoxOffice,
        theater_id: str | None = None,
        methods: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.counter = counter  # as this till (its device token): staff sign in here
        self.box_office = counter  # as the signed-in clerk, once someone is
        self.actor: Actor | None = None
        self.channel = "counter"
        self.basket: Basket | None = None
        self.customer_token: str | None = None  # customers sign in at kiosks, not here
        self.wanted_theater = theater_id
        self.theater_id = ""
        self.settings = counter.settings
        # The server says which ways to pay a counter offers (the test card only in test
        # mode); ``methods`` narrows them, in its order.
        offered = self.settings.counter_payment_methods
        self.payment_methods = [m for m in methods if m in offered] if methods else offered
        self.errors: list[BaseException] = []
        self._renewal: Timer | None = None
        self._zones: dict[str, dt.tzinfo] = {}

    def theater_zone(self, theater_id: str) -> dt.tzinfo:
        """The zone a theater's clocks read (a blocking call the first time: from a
        worker). Every time the console shows is in it."""
        if theater_id not in self._zones:
            theater = self.box_office.venues.theater(self.actor, theater_id)
            self._zones[theater_id] = theater.zone
        return self._zones[theater_id]

    # -- signing in and out -------------------------------------------------------------
    def staff_client(self) -> RemoteBoxOffice:
        """A client for someone signing in at this till (the clerk, or a manager who
        approves on the spot): it signs in with the counter's device token."""
        return self.counter.with_token(self.counter.token)

    def signed_in(self, clerk: tuple[RemoteBoxOffice, Actor, dt.datetime]) -> None:
        self.box_office, actor, token_expires_at = clerk
        self.actor = actor
        self.renew_before(token_expires_at)
        self.theater_id = self.wanted_theater or (actor.theaters[0] if actor.theaters else "")
        if not self.theater_id:
            first = self.box_office.venues.theaters(actor)
            self.theater_id = first[0].id if first else ""
        self.switch_mode("sell")

    def action_sign_out(self) -> None:
        abandon_basket(self)
        if self._renewal is not None:
            self._renewal.stop()
        if self.box_office is not self.counter:
            self.run_worker(partial(end_session, self.box_office), thread=True)
        self.box_office, self.actor = self.counter, None
        self.switch_mode("signin")
        for mode in WORK_MODES:  # nothing of the last clerk's work stays behind
            self.remove_mode(mode)
            self.add_mode(mode, self.MODES[mode])

    # -- a long shift outlives many short access tokens --------------------------------
    def renew_before(self, expires_at: dt.datetime) -> None:
        """Renew the clerk's access token halfway through its time (the session lasts
        the shift: ``auth.staff_session_hours``)."""
        if self._renewal is not None:
            self._renewal.stop()
        left = (expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        self._renewal = self.set_timer(max(left / 2, RENEW_AGAIN_S), self.renew_session)

    def renew_session(self) -> None:
        clerk = self.box_office
        if clerk is not self.counter:
            self.run_worker(partial(self._renew, clerk), thread=True, group="renewal")

    def _renew(self, clerk: RemoteBoxOffice) -> None:
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2 * RENEW_AGAIN_S)
        try:
            expires_at = clerk.renew().token_expires_at
        except StorageError:  # the server is away: try again soon, the token lasts a while
            expires_at = soon
        except DomainError as error:  # the session is over (its time, or the till revoked)
            self.call_from_thread(self.session_over, clerk, error)
            return
        if clerk is self.box_office:
            self.call_from_thread(self.renew_before, expires_at)

    def session_over(self, clerk: RemoteBoxOffice, error: DomainError) -> None:
        if clerk is self.box_office:
            self.action_sign_out()
            self.notify(f"{sentence(str(error))}: sign in again.", severity="warning")

    def action_work(self, mode: str) -> None:
        if self.actor is not None and mode != self.current_mode:
            self.switch_mode(mode)

    # -- SaleHost ---------------------------------------------------------------------
    def end_sale(self) -> None:
        abandon_basket(self)
        if self.current_mode == "sell":
            while len(self.screen_stack) > 1:
                self.pop_screen()
        elif len(self.screen_stack) > 1:
            self.pop_screen()  # a reprint opened from the bookings desk

    def customer_signed_in(self, session: SessionOut) -> None:
        self.customer_token = session.token

    def sign_out(self, message: str = "") -> None:
        self.customer_token = None
        if message:
            self.notify(message)

    def session_ended(self, error: DomainError) -> None:
        self.sign_out(str(error))

    def storage_failed(self, error: BaseException) -> None:
        # The server away (StorageError), or its database: the clerk tries again.
        log.warning("box office not answering: %s: %s", type(error).__name__, error)
        self.notify("The box office is not answering; try again in a moment.", severity="error")

    def unpaired(self, error: DomainError) -> None:
        self.notify(sentence(str(error)), severity="error")

    def unexpected_error(self, error: BaseException) -> None:
        log.error("unexpected error", exc_info=error)
        self.errors.append(error)
        self.notify("Sorry, something went wrong. Please try again.", severity="error")
