"""A signed-in customer's account: profile, bookings with their tickets, preferences,
and deleting the account.

Everything shown is read through the customer's own session token
(:func:`customer_actor`) in a thread worker; a session that has ended signs the
customer out and asks them to sign in again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from core.accounts import User
from core.records import BookingLine
from screens.base import CustomerScreen, SaleHost, customer_actor, customer_office
from screens.browse import on_to_programme
from screens.confirm import Confirm
from screens.preferences import AREA_WORDS, NOTIFY_WORDS, PreferencesScreen
from screens.widgets.qr import PagesTickets, TicketCodes, TicketPager, ticket_codes

STATE_WORDS = {"cancelled": "cancelled", "refunded": "refunded", "refund_due": "being refunded"}


@dataclass(frozen=True)
class Shown:
    """One booking of the list, its start already in the theater's time."""

    line: BookingLine
    when: str


def load_account(host: SaleHost) -> tuple[User, list[Shown]]:
    """(In a worker.) The customer's profile and bookings, upcoming first."""
    box_office, office = host.box_office, customer_office(host)
    customer = customer_actor(host)
    user = office.customers.profile(customer)
    zones = {}
    shown = []
    for line in office.customers.bookings(customer):
        theater_id = line.booking.theater_id
        if theater_id not in zones:
            zones[theater_id] = box_office.venues.theater(host.actor, theater_id).zone
        when = line.starts_at.astimezone(zones[theater_id]).strftime("%a %d %b %Y %H:%M")
        shown.append(Shown(line, when))
    return user, shown


def preferences_text(user: User) -> Text:
    preferences = user.preferences
    genres = ", ".join(g.title() for g in preferences.favourite_genres) or "none chosen"
    return Text.assemble(
        ("Favourite genres: ", "bold"),
        genres,
        ("  ·  Seats: ", "bold"),
        AREA_WORDS[preferences.seat_area],
        ("  ·  Tickets: ", "bold"),
        NOTIFY_WORDS[preferences.notify_by],
        ("  ·  Reminders: ", "bold"),
        "on" if preferences.reminders else "off",
    )


def booking_options(shown: list[Shown]) -> list[Option]:
    """Headings "Upcoming" and "Past", each booking beneath as two lines."""
    options: list[Option] = []
    for upcoming, heading in ((True, "Upcoming"), (False, "Past")):
        lines = [s for s in shown if s.line.upcoming is upcoming]
        if not lines:
            continue
        options.append(Option(Text(heading, style="bold underline"), disabled=True))
        for s in lines:
            booking = s.line.booking
            seats = ", ".join(seat.seat_id for seat in booking.active_seats)
            state = STATE_WORDS.get(booking.state, "")
            options.append(
                Option(
                    Text.assemble(
                        (s.when, "bold"),
                        f"  {s.line.movie_title}\n  {booking.reference}",
                        f" · {seats}" if seats else "",
                        (f" · {state}" if state else "", "italic"),
                    ),
                    id=booking.reference,
                )
            )
    if not options:
        options.append(Option("No bookings yet.", disabled=True))
    return options


class AccountScreen(PagesTickets, CustomerScreen):
    CSS_PATH = "account.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+p", "preferences", "Preferences"),
        Binding("ctrl+d", "delete", "Delete my account"),
        *PagesTickets.TICKET_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.user: User | None = None
        self.shown: list[Shown] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="account-top"):
            yield Static("Your account", id="account-title")
            yield Static("Loading…", id="account-profile")
            yield Static("", id="account-preferences")
        with Horizontal(id="account-body"):
            yield OptionList(id="account-bookings")
            with VerticalScroll(id="account-tickets-box"):
                yield Static(
                    "Choose a booking and press Enter to see its tickets.", id="account-tickets"
                )
                yield TicketPager(id="account-codes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self.call_db(lambda: load_account(self.host), self.show, on_refused=self.refused)

    def show(self, loaded: tuple[User, list[Shown]]) -> None:
        self.user, self.shown = loaded
        user = self.user
        reach = " · ".join(filter(None, [user.email, user.phone]))
        self.query_one("#account-profile", Static).update(
            Text.assemble((user.name, "bold"), f"  ·  {reach}" if reach != user.name else "")
        )
        self.query_one("#account-preferences", Static).update(preferences_text(user))
        bookings = self.query_one(OptionList)
        before = bookings.highlighted
        bookings.set_options(booking_options(self.shown))
        if before is not None and before < bookings.option_count:
            bookings.highlighted = before
        else:
            bookings.action_first()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        reference = event.option.id
        if reference is None:
            return
        host = self.host
        self.say(f"Loading the tickets of {reference}…")

        def codes() -> TicketCodes:
            customer = customer_actor(host)
            return ticket_codes(customer_office(host).customers.tickets(customer, reference))

        self.call_db(
            codes, lambda found: self.show_codes(reference, found), on_refused=self.refused
        )

    def show_codes(self, reference: str, codes: TicketCodes) -> None:
        line = next(s for s in self.shown if s.line.booking.reference == reference)
        # One line each (no wrapping, see account.tcss): the code needs the room.
        title = Text(f"{reference} · {line.line.movie_title} · {line.when}", style="bold")
        if codes:
            title.append("\nShow these at the door, one per seat.", style="not bold")
        else:
            title.append("\nThis booking has no tickets any more.", style="not bold")
        self.say(title)
        self.query_one(TicketPager).show(codes)
        self.refresh_bindings()

    def say(self, text: str | Text) -> None:
        self.query_one("#account-tickets", Static).update(text)

    def action_back(self) -> None:
        on_to_programme(self.app)

    def action_preferences(self) -> None:
        if self.user is not None:
            self.app.push_screen(PreferencesScreen(self.user))

    def action_delete(self) -> None:
        self.app.push_screen(ConfirmDelete(), self.confirmed)

    def confirmed(self, delete: bool | None) -> None:
        if not delete:
            return
        host = self.host
        self.call_db(
            lambda: customer_office(host).customers.delete_account(customer_actor(host)),
            lambda _: host.sign_out("Your account has been deleted. Your tickets still work."),
            on_refused=self.refused,
        )


class ConfirmDelete(Confirm):
    """Ask once more before the account goes."""

    def __init__(self) -> None:
        super().__init__(
            "Delete your account?",
            "Your name, e-mail or phone number and preferences are removed for good. "
            "Your bookings stay valid at the door but are no longer linked to you.",
            "Keep my account",
            "Delete my account",
        )
