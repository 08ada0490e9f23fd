"""Manage mode's catalog (managers): movies, price cards and promo codes.

N adds to the list in front, E edits the highlighted line and R removes it (after
a "yes"); on promo codes D disables the highlighted code. Each form is one line,
fields separated by ``|`` (see :mod:`console.counter.catalog_forms`). Everything
goes through the same services as the ``marquee`` commands, with the same checks,
refusals and audit trail."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from console.counter.ask import Ask
from console.counter.catalog_forms import (
    ADD_HINTS,
    EDIT_HINTS,
    TABS,
    Entry,
    add_from_form,
    edit_from_form,
    load_catalog,
    remove,
)
from console.counter.feedback import Feedback
from screens.base import run_db

COLUMNS = {
    "movies": ("Id", "Title", "Runtime", "Genres", "Rating"),
    "prices": ("Id", "Name", "Theater", "Tickets", "Surcharges"),
    "promos": ("Code", "Theater", "Discount", "Used", "State"),
}


class CatalogScreen(Feedback, Screen):
    CSS_PATH = "catalog.tcss"
    MESSAGE_ID = "catalog-message"
    BINDINGS = [
        Binding("n", "new", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("r", "remove", "Remove"),
        Binding("d", "disable", "Disable promo"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, list[Entry]] = {}

    @property
    def rows(self) -> dict[str, list[tuple[str, ...]]]:
        """What each tab's table shows, line by line."""
        return {tab: [entry.row for entry in found] for tab, found in self.entries.items()}

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Catalog · N adds · E edits · R removes · D disables a promo code", style="bold"),
            id="catalog-title",
        )
        with TabbedContent(id="catalog-tabs"):
            for tab, title in (
                ("movies", "Movies"),
                ("prices", "Price cards"),
                ("promos", "Promo codes"),
            ):
                with TabPane(title, id=tab):
                    yield DataTable(id=f"{tab}-table", cursor_type="row")
        yield Static("", id="catalog-message")
        yield Footer()

    def on_mount(self) -> None:
        for tab, columns in COLUMNS.items():
            self.query_one(f"#{tab}-table", DataTable).add_columns(*columns)
        self.reload()

    def reload(self) -> None:
        box_office, actor = self.app.box_office, self.app.actor
        run_db(self, lambda: load_catalog(box_office, actor), self.show, on_refused=self.refused)

    def show(self, entries: dict[str, list[Entry]]) -> None:
        self.entries = entries
        for tab, found in entries.items():
            table = self.query_one(f"#{tab}-table", DataTable)
            row = table.cursor_row
            table.clear()
            table.add_rows([entry.row for entry in found])
            if found:
                table.move_cursor(row=min(row, len(found) - 1))

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "movies"

    @property
    def highlighted(self) -> Entry | None:
        found = self.entries.get(self.tab) or []
        row = self.query_one(f"#{self.tab}-table", DataTable).cursor_row
        return found[row] if 0 <= row < len(found) else None

    def action_new(self) -> None:
        tab, box_office, actor, here = (
            self.tab,
            self.app.box_office,
            self.app.actor,
            self.app.theater_id,
        )
        title, hint = ADD_HINTS[tab]
        self.ask(
            Ask(title, "", hint), lambda answer: add_from_form(box_office, actor, tab, answer, here)
        )

    def action_edit(self) -> None:
        tab, entry, box_office, actor = (
            self.tab,
            self.highlighted,
            self.app.box_office,
            self.app.actor,
        )
        if entry is None:
            return
        question = Ask(f"Edit {TABS[tab]} {entry.name}", entry.form, EDIT_HINTS[tab])
        self.ask(question, lambda answer: edit_from_form(box_office, actor, tab, entry.id, answer))

    def action_remove(self) -> None:
        tab, entry, box_office, actor = (
            self.tab,
            self.highlighted,
            self.app.box_office,
            self.app.actor,
        )
        if entry is None:
            return
        question = Ask(
            f"Remove {TABS[tab]} {entry.name}?", "", "type yes and press Enter; Escape keeps it"
        )
        self.ask(
            question,
            lambda answer: remove(box_office, actor, tab, entry),
            wanted=lambda answer: answer.lower() in {"y", "yes"},
        )

    def action_disable(self) -> None:
        entry = self.highlighted
        if self.tab != "promos" or entry is None:
            return
        box_office, actor = self.app.box_office, self.app.actor
        run_db(
            self,
            lambda: box_office.promos.disable_promo(actor, entry.id),
            lambda promo: self.changed(f"Disabled {promo.code}."),
            on_refused=self.refused,
        )

    def ask(
        self,
        question: Ask,
        job: Callable[[str], str],
        wanted: Callable[[str], bool] = bool,
    ) -> None:
        """Ask; if the answer is ``wanted``, run ``job(answer)`` in a thread and say how it went."""

        def answered(answer: str | None) -> None:
            if answer is not None and wanted(answer):
                run_db(self, lambda: job(answer), self.changed, on_refused=self.refused)

        self.app.push_screen(question, answered)

    def changed(self, message: str) -> None:
        self.say(message, "green")
        self.reload()
