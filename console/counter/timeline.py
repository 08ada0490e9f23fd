"""A day's schedule per auditorium as a timeline; A adds a showtime (a clash is refused)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.counter.ask import Ask
from console.counter.feedback import Feedback
from core.bootstrap import BoxOffice
from core.errors import InvalidInput
from core.models import Auditorium
from core.services.access import Actor
from core.services.schedule import ShowtimeInfo
from screens.base import run_db

FIRST_HOUR, HOURS, STEP_MIN = 9, 16, 10  # 09:00 to 01:00, one character per 10 minutes
COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")


@dataclass
class Day:
    day: dt.date
    theater_zone: dt.tzinfo
    halls: list[Auditorium]
    shows: list[ShowtimeInfo]


def load_day(office: BoxOffice, actor: Actor, theater_id: str, day: dt.date | None) -> Day:
    theater = office.venues.theater(actor, theater_id)
    day = day or dt.datetime.now(theater.zone).date()
    shows = office.schedule.showtimes(actor, theater_id=theater_id, on=day)
    return Day(day, theater.zone, office.venues.auditoriums(actor, theater_id), shows)


def timeline(day: Day) -> Text:
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
                cells[position] = Text(char, f"black on {COLOURS[index % len(COLOURS)]}")
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
        Binding("a", "add", "Add showtime"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: Day | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="timeline-title")
        yield Static(id="timeline-grid")
        yield Static("", id="timeline-message")
        yield Footer()

    def on_mount(self) -> None:
        self.load(None)

    def load(self, day: dt.date | None) -> None:
        office, actor, theater_id = self.app.box_office, self.app.actor, self.app.theater_id
        run_db(
            self,
            lambda: load_day(office, actor, theater_id, day),
            self.show,
            on_refused=self.refused,
        )

    def show(self, day: Day) -> None:
        self.day = day
        title = Text(f"Schedule for {day.day:%A %d %B %Y} · {len(day.shows)} showtimes", "bold")
        self.query_one("#timeline-title", Static).update(title)
        self.query_one("#timeline-grid", Static).update(timeline(day))

    def action_day(self, step: int) -> None:
        if self.day is not None:
            self.load(self.day.day + dt.timedelta(days=step))

    def action_add(self) -> None:
        if self.day is None:
            return
        office, actor, day = self.app.box_office, self.app.actor, self.day

        def answered(answer: str | None) -> None:
            if not answer:
                return

            def add():
                movie_id, start, auditorium_id, card = parse_new_showtime(answer, day.day)
                card = card or office.pricing.price_cards(actor)[0].id
                return office.schedule.add_showtime(
                    actor,
                    movie_id=movie_id,
                    auditorium_id=auditorium_id,
                    starts_at=start,
                    price_card_id=card,
                )

            run_db(
                self,
                add,
                lambda _: (self.say("Added."), self.load(day.day)),
                on_refused=self.refused,
            )

        hint = "movie-id HH:MM auditorium-id [price-card], like heat 19:30 downtown-2"
        self.app.push_screen(Ask("Add a showtime", "", hint), answered)


def parse_new_showtime(answer: str, day: dt.date) -> tuple[str, dt.datetime, str, str | None]:
    parts = answer.split()
    if len(parts) not in (3, 4):
        raise InvalidInput("showtime", "give: movie-id HH:MM auditorium-id [price-card]")
    try:
        at = dt.time.fromisoformat(parts[1])
    except ValueError:
        raise InvalidInput("time", f"{parts[1]!r} is not a time like 19:30") from None
    return parts[0], dt.datetime.combine(day, at), parts[2], parts[3] if len(parts) == 4 else None
