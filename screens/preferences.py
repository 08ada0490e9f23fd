"""A signed-in customer's preferences: favourite genres (shown first when browsing),
where they like to sit (the seat map starts there), how their tickets are sent,
and reminders. Saved through the customer's own session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Label, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from core.accounts import SEAT_AREAS, User
from screens.base import CustomerScreen, customer_actor, customer_office
from screens.widgets.toggles import MarkedCheckbox, MarkedRadioButton, MarkedSelectionList

AREA_WORDS = {
    "any": "anywhere",
    "front": "near the front",
    "middle": "in the middle",
    "back": "near the back",
    "aisle": "on an aisle",
}
NOTIFY_WORDS = {
    "email": "by e-mail",
    "sms": "by text message",
    "both": "by e-mail and text message",
    "none": "not sent (show the reference at the door)",
}
NOTIFY_NEEDS = {"email": ("email",), "sms": ("phone",), "both": ("email", "phone"), "none": ()}


class PreferencesScreen(CustomerScreen):
    CSS_PATH = "preferences.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back without saving"),
    ]

    def __init__(self, user: User) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        preferences, user = self.user.preferences, self.user
        yield Static("Your preferences", id="preferences-title")
        with Horizontal(id="preferences-body"):
            with Vertical(id="preferences-left"):
                yield Label("Favourite genres, shown first (Space to choose)")
                yield MarkedSelectionList(id="preferences-genres")
            with Vertical(id="preferences-right"):
                yield Label("Where do you like to sit?")
                with RadioSet(id="preferences-area"):
                    for area in SEAT_AREAS:
                        yield MarkedRadioButton(
                            AREA_WORDS[area].capitalize(),
                            value=area == preferences.seat_area,
                            name=area,
                        )
                yield Label("Send my tickets")
                with RadioSet(id="preferences-notify"):
                    for how, needs in NOTIFY_NEEDS.items():
                        yield MarkedRadioButton(
                            NOTIFY_WORDS[how].capitalize(),
                            value=how == preferences.notify_by,
                            name=how,
                            disabled=not all(getattr(user, field) for field in needs),
                        )
                yield MarkedCheckbox(
                    "Remind me before the show",
                    value=preferences.reminders,
                    id="preferences-reminders",
                )
                yield Button("Save", id="preferences-save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        box_office, actor = self.box_office, self.actor
        self.call_db(lambda: box_office.catalog.genres(actor), self.show_genres)

    def show_genres(self, genres: list[str]) -> None:
        """The genres of the catalog (and favourites no longer in it), favourites ticked."""
        favourites = self.user.preferences.favourite_genres
        every = sorted(set(genres) | set(favourites))
        choices = self.query_one(SelectionList)
        choices.add_options(
            [Selection(genre.title(), genre, genre in favourites, id=genre) for genre in every]
        )
        choices.action_first()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save()

    def action_save(self) -> None:
        def chosen(radio_set_id: str, default: str) -> str:
            button = self.query_one(radio_set_id, RadioSet).pressed_button
            return button.name if button is not None and button.name else default

        preferences = self.user.preferences
        changes = {
            "favourite_genres": list(self.query_one(SelectionList).selected),
            "seat_area": chosen("#preferences-area", preferences.seat_area),
            "notify_by": chosen("#preferences-notify", preferences.notify_by),
            "reminders": self.query_one(Checkbox).value,
        }
        host = self.host
        self.call_db(
            lambda: customer_office(host).customers.set_preferences(
                customer_actor(host), **changes
            ),
            self.saved,
            on_refused=self.refused,
        )

    def saved(self, user: User) -> None:
        self.notify("Your preferences are saved.")
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()
