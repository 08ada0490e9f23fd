"""A day's schedule per auditorium as a timeline.

Up/Down pick a showtime (drawn reversed), A adds one, M moves the one picked and C
cancels it (after a "yes"); a clash is refused by the schedule service, in one line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from client.remote import RemoteBoxOffice
from console.counter.ask import Ask
from console.counter.feedback import Feedback
from core.actor import Actor
from core.errors import InvalidInput
from core.localtime import parse_wall
from core.models import Auditorium, Showtime
from core.records import ShowtimeInfo
from screens.base import run_db

FIRST_HOUR, HOURS, STEP_MIN = 9, 16, 10  # 09:00 to 01:00, one character per 10 minutes
COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")


@dataclass
class Day:
    day: dt.date
    theater_zone: dt.tzinfo
    halls: list[Auditorium]
    shows: list[ShowtimeInfo]


def load_day(
    box_office: RemoteBoxOffice, actor: Actor, theater_id: str, day: dt.date | None
) -> Day:
    theater = box_office.venues.theater(actor, theater_id)
    day = day or dt.datetime.now(theater.zone).date()
    halls = box_office.venues.auditoriums(actor, theater_id)
    order = {hall.id: index for index, hall in enumerate(halls)}
    shows = sorted(
        box_office.schedule.showtimes(actor, theater_id=theater_id, on=day),
        key=lambda info: (order.get(info.auditorium.id, len(order)), info.showtime.starts_at),
    )
    return Day(day, theater.zone, halls, shows)


def timeline(day: Day, picked: str | None = None) -> Text:
    """One line per auditorium: each showtime a coloured block from its start to its end."""
    width = HOURS * 60 // STEP_MIN
    start_of_day = dt.datetime.combine(day.day, dt.time(FIRST_HOUR), day.theater_zone)
    label = max((len(hall.name) for hall in day.halls), default=8) + 2
    text = Text(" " * label)
    for hour in range(HOURS):
        text.append(f"{(FIRST_HOUR + hour) % 24:02d}".ljust(60 // STEP_MIN), "dim")
    text.append("\n")
    for hall in day.halls:
        cells = [Text("·", "dim") for _ in range(width)]
        for index, info in enumerate(s for s in day.shows if s.auditorium.id == hall.id):
            first = int((info.showtime.starts_at - start_of_day).total_seconds() // (STEP_MIN * 60))
            last = int((info.showtime.ends_at - start_of_day).total_seconds() // (STEP_MIN * 60))
            title = f"{info.local_start:%H:%M} {info.movie.title}"
            for position in range(max(first, 0), min(last, width)):
                char = title[position - first] if position - first < len(title) else " "
                style = f"black on {COLOURS[index % len(COLOURS)]}"
                if info.showtime.id == picked:
                    style += " reverse bold"
                cells[position] = Text(char, style)
        text.append(hall.name.ljust(label), "bold")
        for cell in cells:
            text.append_text(cell)
        text.append("\n")
    return text


class DaySchedule(Feedback, Screen):
    MESSAGE_ID = "timeline-message"
    CSS_PATH = "timeline.tcss"
    BINDINGS = [
        Binding("left", "day(-1)", "Earlier day"),
        Binding("right", "day(1)", "Later day"),
        Binding("up", "pick(-1)", "Previous showtime", show=False),
        Binding("down", "pick(1)", "Next showtime", show=False),
        Binding("a", "add", "Add showtime"),
        Binding("m", "move", "Move"),
        Binding("c", "cancel", "Cancel showtime"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: Day | None = None
        self.picked_id: str | None = None  # the showtime Up/Down picked; kept across reloads

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="timeline-title")
        yield Static(id="timeline-grid")
        yield Static("", id="timeline-picked")
        yield Static("", id="timeline-message")
        yield Footer()

    def on_mount(self) -> None:
        self.load(None)

    def load(self, day: dt.date | None) -> None:
        box_office, actor, theater_id = self.app.box_office, self.app.actor, self.app.theater_id
        run_db(
            self,
            lambda: load_day(box_office, actor, theater_id, day),
            self.show,
            on_refused=self.refused,
        )

    @property
    def picked(self) -> ShowtimeInfo | None:
        shows = self.day.shows if self.day else []
        found = (info for info in shows if info.showtime.id == self.picked_id)
        return next(found, shows[0] if shows else None)

    def show(self, day: Day) -> None:
        self.day = day
        title = Text(f"Schedule for {day.day:%A %d %B %Y} · {len(day.shows)} showtimes", "bold")
        self.query_one("#timeline-title", Static).update(title)
        self.draw()

    def draw(self) -> None:
        assert self.day is not None
        picked = self.picked
        self.query_one("#timeline-grid", Static).update(
            timeline(self.day, picked.showtime.id if picked else None)
        )
        line = "No showtimes this day."
        if picked:
            line = (
                f"▶ {picked.local_start:%H:%M}-{picked.local_end:%H:%M} {picked.movie.title} · "
                f"{picked.auditorium.name} · {picked.showtime.id}"
            )
        self.query_one("#timeline-picked", Static).update(line)

    def action_pick(self, step: int) -> None:
        if self.day is None or not self.day.shows:
            return
        ids = [info.showtime.id for info in self.day.shows]
        at = ids.index(self.picked.showtime.id) if self.picked else -step
        self.picked_id = ids[(at + step) % len(ids)]
        self.draw()

    def action_day(self, step: int) -> None:
        if self.day is not None:
            self.load(self.day.day + dt.timedelta(days=step))

    def action_add(self) -> None:
        if self.day is None:
            return
        box_office, actor, day = self.app.box_office, self.app.actor, self.day

        def answered(answer: str | None) -> None:
            if not answer:
                return

            def add():
                movie_id, start, auditorium_id, card = parse_new_showtime(answer, day.day)
                if not card:  # the first card this auditorium's theater may use
                    theater_id = box_office.venues.auditorium(actor, auditorium_id).theater_id
                    cards = box_office.pricing.price_cards(actor, usable_at=theater_id)
                    if not cards:
                        raise InvalidInput("price card", f"{theater_id} has none yet; add one")
                    card = cards[0].id
                return box_office.schedule.add_showtime(
                    actor,
                    movie_id=movie_id,
                    auditorium_id=auditorium_id,
                    starts_at=start,
                    price_card_id=card,
                )

            self.change(add, "Added.")

        hint = "movie-id HH:MM auditorium-id [price-card], like heat 19:30 downtown-2"
        self.app.push_screen(Ask("Add a showtime", "", hint), answered)

    def action_move(self) -> None:
        if self.day is None or self.picked is None:
            return
        box_office, actor, day, info = self.app.box_office, self.app.actor, self.day, self.picked

        def answered(answer: str | None) -> None:
            if answer:
                self.change(
                    lambda: box_office.schedule.move_showtime(
                        actor, info.showtime.id, parse_start(answer, day.day)
                    ),
                    f"Moved {info.movie.title} to {answer}.",
                )

        question = f"Move {info.movie.title} ({info.local_start:%H:%M}, {info.auditorium.name})"
        hint = "the new start: HH:MM, or YYYY-MM-DD HH:MM for another day"
        self.app.push_screen(Ask(question, f"{info.local_start:%H:%M}", hint), answered)

    def action_cancel(self) -> None:
        if self.day is None or self.picked is None:
            return
        box_office, actor, info = self.app.box_office, self.app.actor, self.picked

        def answered(answer: str | None) -> None:
            if answer and answer.lower() in {"y", "yes"}:
                self.change(
                    lambda: box_office.schedule.cancel_showtime(actor, info.showtime.id),
                    f"Cancelled {info.movie.title} at {info.local_start:%H:%M}.",
                )

        question = (
            f"Cancel {info.movie.title} at {info.local_start:%H:%M} in {info.auditorium.name}? "
            "Its customers are told."
        )
        hint = "type yes and press Enter; Escape keeps it"
        self.app.push_screen(Ask(question, "", hint), answered)

    def change(self, job: Callable[[], Showtime], done: str) -> None:
        """Run a change of the schedule in a thread; say it is done, pick the showtime
        changed and draw its day (another day, for one moved there)."""
        zone = self.day.theater_zone if self.day else None

        def changed(showtime: Showtime) -> None:
            self.picked_id = showtime.id
            self.say(done)
            self.load(showtime.starts_at.astimezone(zone).date() if zone else None)

        run_db(self, job, changed, on_refused=self.refused)


def parse_start(text: str, day: dt.date) -> dt.datetime:
    """'19:30' on ``day``, or '2026-12-01 19:30': a wall-clock time at the theater."""
    if len(text.strip()) > 5:
        return parse_wall(text, "time", needs_time=True)
    try:
        return dt.datetime.combine(day, dt.time.fromisoformat(text.strip()))
    except ValueError:
        raise InvalidInput("time", f"{text.strip()!r} is not a time like 19:30") from None


def parse_new_showtime(answer: str, day: dt.date) -> tuple[str, dt.datetime, str, str | None]:
    parts = answer.split()
    if len(parts) not in (3, 4):
        raise InvalidInput("showtime", "give: movie-id HH:MM auditorium-id [price-card]")
    return parts[0], parse_start(parts[1], day), parts[2], parts[3] if len(parts) == 4 else None
