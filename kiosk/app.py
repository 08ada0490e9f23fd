"""The customer kiosk: the attract loop, the sale screens, idle reset, out of service.

The app hosts the shared sale screens (``screens/``) as their :class:`SaleHost`.
A customer may sign in (Ctrl+A) for their account, or buy as a guest; the app
keeps the session token (never the password) until the sale ends, the kiosk
resets, or the customer signs out. It keeps three screen stacks (Textual modes):
``kiosk`` (the attract screen and the sale on top of it), ``out_of_service``
(while the box office does not answer), ``not_paired`` (once the box office refuses
this kiosk's token: revoked) and ``too_small`` (while the terminal is
under 80x24). Whatever goes wrong, the customer sees a plain sentence, never a
traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.theme import Theme
from textual.timer import Timer
from textual.worker import Worker

from client.remote import RemoteBoxOffice
from core.actor import Actor
from core.basket import Basket
from core.errors import DeviceInvalid, DomainError, StorageError
from kiosk.attract import AttractScreen
from kiosk.idle import COUNTDOWN_S, IdleWatch
from kiosk.not_paired import NotPairedScreen
from kiosk.out_of_service import OutOfServiceScreen
from kiosk.staff_exit import StaffExit
from kiosk.too_small import TooSmallScreen, too_small
from screens.account import AccountScreen
from screens.base import NeverATraceback, abandon_basket, deliver, run_db
from screens.sign_in import SignInScreen
from server.contract.session import SessionOut

log = logging.getLogger("marquee.kiosk")

NORMAL_THEME = "textual-dark"
# A look at the database that takes this long (or a whole check interval, if longer)
# means it is not answering; a shorter wait would take a busy kiosk out of service.
LOOK_PATIENCE_S = 2.0
HIGH_CONTRAST = Theme(
    name="marquee-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF5050",
    dark=True,
)
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class KioskApp(NeverATraceback, App):
    TITLE = "Marquee"
    DEFAULT_MODE = "kiosk"
    MODES = {
        "kiosk": AttractScreen,
        "out_of_service": OutOfServiceScreen,
        "not_paired": NotPairedScreen,
        "too_small": TooSmallScreen,
    }
    ENABLE_COMMAND_PALETTE = False
    compact_footer = False
    BINDINGS = [
        Binding("f2", "toggle_contrast", "High contrast", priority=True),
        Binding("ctrl+q", "staff_exit", "Quit (staff)", show=False, priority=True),
        Binding("ctrl+a", "account", "Account"),
        Binding("ctrl+o", "sign_out", "Sign out"),
    ]

    customer_token: reactive[str | None] = reactive(None, init=False)
    """The signed-in customer's session token; None while a guest is buying."""

    def __init__(
        self,
        box_office: RemoteBoxOffice,
        theater_id: str,
        *,
        payment_methods: Sequence[str] = ("simulated",),
        idle_timeout_s: float = 60,
        idle_countdown_s: float = COUNTDOWN_S,
        kiosk_name: str = "kiosk-1",
        health_check_s: float = 2.0,
        server: str | None = None,
        exit_pin: str = "",
        quit_without_pin: bool = False,
    ) -> None:
        super().__init__()
        self._exit_pin = exit_pin  # never shown nor logged
        self.quit_without_pin = quit_without_pin  # a developer's --demo
        self.box_office = box_office
        self.theater_id = theater_id
        self.settings = box_office.settings
        self.server = server  # where it was paired, for the not-paired screen
        self.paired = True
        self.actor = Actor(subject=f"kiosk:{kiosk_name}", role="kiosk", theaters=(theater_id,))
        self.channel = "kiosk"
        self.payment_methods = list(payment_methods)
        self.basket: Basket | None = None
        self.health_check_s = health_check_s
        self.idle = IdleWatch(
            self,
            idle_timeout_s,
            self._sale_in_progress,
            self.end_sale,
            stakes=self._idle_stakes,
            countdown_s=idle_countdown_s,
        )
        self.errors: list[BaseException] = []  # unexpected errors, logged and survived
        self._in_service = True
        self._reset_due = False
        self._orphan: Basket | None = None  # a sale cut short by a database failure
        self._health: Worker | None = None
        self._health_timer: Timer | None = None
        self._look_started = 0.0
        self._outages = 0  # times the kiosk went out of service

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = NORMAL_THEME
        self.idle.start()
        self._health_timer = self.set_interval(self.health_check_s, self.check_health)
        self._show()

    def check_health(self) -> None:
        """Every few seconds, in a thread: an idle kiosk notices an outage by itself, and
        goes back into service once the database answers again (found again if it moved)."""
        if self._health is not None and not self._health.is_finished:
            # The last look has not come back (it may be waiting for the database to
            # restart): as far as customers go, it is not answering.
            waited = time.monotonic() - self._look_started
            if self._in_service and waited >= max(self.health_check_s, LOOK_PATIENCE_S):
                self.storage_failed(StorageError("the database does not answer"))
            return
        box_office, outages = self.box_office, self._outages
        self._look_started = time.monotonic()

        def look() -> None:
            healthy = box_office.healthy()
            if healthy and self.paired:
                try:
                    box_office.me()  # a token revoked meanwhile is refused here
                except DeviceInvalid as error:
                    deliver(self, self.unpaired, error)
            deliver(self, self._health_seen, (healthy, outages))

        self._health = self.run_worker(look, thread=True, group="health", exit_on_error=False)

    def _health_seen(self, seen: tuple[bool, int]) -> None:
        healthy, outages = seen
        if healthy and not self._in_service:
            if outages == self._outages:  # a look from before the outage proves nothing
                self.back_in_service()
        elif not healthy and self._in_service:
            self.storage_failed(StorageError("the database does not answer"))

    def on_resize(self, event: events.Resize) -> None:
        self.call_later(self._show)  # after the app has taken the new size

    async def on_event(self, event: events.Event) -> None:
        activity = isinstance(event, ACTIVITY) and not event.is_forwarded
        if activity and self.idle.touch() and isinstance(event, events.Key):
            return  # the key only took the idle warning away
        await super().on_event(event)

    def action_staff_exit(self) -> None:
        """Ctrl+Q: staff quit with the exit PIN; without one set, only a --demo kiosk quits
        (a lobby kiosk is stopped by its service manager); customers stay in the kiosk."""
        if self._exit_pin:
            if not isinstance(self.screen, StaffExit):
                self.push_screen(StaffExit(self._exit_pin), self._staff_answered)
        elif self.quit_without_pin:
            self.exit()

    def _staff_answered(self, quit_now: bool | None) -> None:
        if quit_now:
            log.info("quit by staff with the exit PIN")
            self.exit()

    def action_help_quit(self) -> None:
        """Ctrl+C says nothing to customers about quitting."""

    def action_toggle_contrast(self) -> None:
        high = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if high else NORMAL_THEME

    # -- the customer's account ------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The account keys work between sales only (a sale ends by signing out)."""
        if action in {"account", "sign_out"}:
            if self.basket is not None or self.current_mode != "kiosk":
                return False
            if action == "account":
                return not getattr(self.screen, "account_screen", False)
            return self.customer_token is not None
        return True

    def watch_customer_token(self) -> None:
        self.refresh_bindings()

    def action_account(self) -> None:
        self.push_screen(AccountScreen() if self.customer_token else SignInScreen())

    def action_sign_out(self) -> None:
        self.sign_out("You are signed out. Thank you!")

    def customer_signed_in(self, session: SessionOut) -> None:
        self.customer_token = session.token

    def sign_out(self, message: str = "") -> None:
        if self.customer_token is None:
            return
        self._end_customer_session()
        while len(self.screen_stack) > 1 and getattr(self.screen, "account_screen", False):
            self.pop_screen()
        if message:
            self.notify(message)

    def _end_customer_session(self) -> None:
        """Forget the customer's session here and end it on the box office (in a worker):
        a token copied off this kiosk is refused from now on."""
        token, self.customer_token = self.customer_token, None
        if token is not None:
            customer = self.box_office.with_token(token)
            run_db(self, customer.sign_out, on_refused=lambda _: None, group="sign-out")

    def session_ended(self, error: DomainError) -> None:
        log.info("customer session ended: %s", error)
        self.sign_out("Your session has ended: please sign in again.")

    # -- SaleHost ---------------------------------------------------------------------
    def end_sale(self) -> None:
        """Release what the sale holds, sign the customer out, back to the attract screen."""
        abandon_basket(self)
        self._end_customer_session()  # the next customer never sees this one's account
        self._reset_due = True
        self._show()

    def storage_failed(self, error: BaseException) -> None:
        log.warning("database not answering: %s: %s", type(error).__name__, error)
        if not self._in_service:
            return
        self._in_service = False
        self._outages += 1
        if self._health_timer is not None:
            self._health_timer.reset()  # out of service for at least a whole interval
        self._orphan, self.basket = self.basket, None
        self.customer_token = None
        self._reset_due = True
        self._show()

    def back_in_service(self) -> None:
        self._in_service = True
        orphan, self._orphan = self._orphan, None
        if orphan is not None:
            # Seats of a sale cut short are free again (a started payment is left to
            # reconciliation, which knows whether the money arrived): the basket, read
            # again, says whether its payment started.
            box_office, actor = self.box_office, self.actor

            def let_go() -> None:
                if box_office.booking.basket(actor, orphan.id).booking_id is None:
                    box_office.checkout.abandon(actor, orphan.id)

            run_db(self, let_go, group="abandon")
        self._show()

    def unpaired(self, error: DomainError) -> None:
        """The box office refuses this kiosk's token: it sells nothing until paired again."""
        if not self.paired:
            return
        log.warning("device refused: %s", error)
        self.paired = False
        self._orphan, self.basket = None, None  # its holds lapse by themselves
        self.customer_token = None
        self._reset_due = True
        self._show()

    def unexpected_error(self, error: BaseException) -> None:
        log.error("unexpected error", exc_info=error)
        self.errors.append(error)
        self.notify("Sorry, something went wrong. Please start again.", severity="error")
        self.end_sale()

    # -- what is on screen -------------------------------------------------------------
    def _sale_in_progress(self) -> bool:
        """Whether someone is using the kiosk: a sale is open, or a customer is signed in."""
        return (
            self.current_mode == "kiosk"
            and (len(self.screen_stack) > 1 or self.customer_token is not None)
            and not getattr(self.screen, "busy", False)
        )

    def _idle_stakes(self) -> str:
        """What starting over would cost this customer, for the idle warning."""
        lost = []
        if self.basket is not None and self.basket.seats:
            lost.append("your seats will be released")
        if self.customer_token is not None:
            lost.append("you will be signed out")
        return " and ".join(lost)

    def _show(self) -> None:
        """Put the right stack in front: too small, out of service, or the kiosk."""
        self._pop_sale_if_due()
        width, height = self.size
        if not self.paired:
            mode = "not_paired"
        elif too_small(width, height):
            mode = "too_small"
        else:
            mode = "kiosk" if self._in_service else "out_of_service"
        if mode != self.current_mode:
            self.switch_mode(mode)
        self._pop_sale_if_due()

    def _pop_sale_if_due(self) -> None:
        if self._reset_due and self.current_mode == "kiosk":
            self._reset_due = False
            self.idle.touch()
            self.theme = NORMAL_THEME  # the next customer starts as everyone does
            while len(self.screen_stack) > 1:
                self.pop_screen()
