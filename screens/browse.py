"""Choose a movie: what is on at this theater on a day, by genre, with the movie's details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from core.models import Movie
from core.services.schedule import ShowtimeInfo
from screens.base import DAYS_AHEAD, SaleScreen, day_label
from screens.showtimes import ShowtimesScreen

ALL_GENRES = "all"


@dataclass
class Listing:
    """One day at one theater: each movie with its showtimes."""

    theater_name: str
    today: dt.date
    day: dt.date
    movies: list[Movie]
    shows: dict[str, list[ShowtimeInfo]]  # movie id -> its showtimes that day


def load_listing(screen: SaleScreen, day: dt.date | None) -> Listing:
    """Read (in a worker thread) what is on; ``None`` means today, theater time."""
    office, actor = screen.office, screen.actor
    theater = office.venues.theater(actor, screen.host.theater_id)
    now = dt.datetime.now(theater.zone)
    day = day or now.date()
    since = now.astimezone(dt.UTC) if day == now.date() else None
    infos = office.schedule.showtimes(actor, theater_id=theater.id, on=day, since=since)
    shows: dict[str, list[ShowtimeInfo]] = {}
    for info in sorted(infos, key=lambda i: i.showtime.starts_at):
        shows.setdefault(info.movie.id, []).append(info)
    movies = sorted({i.movie.id: i.movie for i in infos}.values(), key=lambda m: m.title)
    return Listing(theater.name, now.date(), day, movies, shows)


class BrowseScreen(SaleScreen):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("left", "day(-1)", "Earlier day", priority=True),
        Binding("right", "day(1)", "Later day", priority=True),
        Binding("tab", "app.focus_next", "Genres / movies"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.listing: Listing | None = None
        self.genre = ALL_GENRES

    def compose(self) -> ComposeResult:
        with Vertical(id="browse-top"):
            yield Static("Loading what is on…", id="browse-title")
            yield Static("", id="browse-days")
        with Horizontal(id="browse-body"):
            yield OptionList(id="browse-genres")
            yield OptionList(id="browse-movies")
            yield Static("", id="browse-details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#browse-movies").focus()
        self.call_db(lambda: load_listing(self, None), self.show_listing, exclusive=True)

    def action_day(self, step: int) -> None:
        if self.listing is None:
            return
        today = self.listing.today
        day = self.listing.day + dt.timedelta(days=step)
        if today <= day < today + dt.timedelta(days=DAYS_AHEAD):
            self.call_db(lambda: load_listing(self, day), self.show_listing, exclusive=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def show_listing(self, listing: Listing) -> None:
        self.listing = listing
        self.query_one("#browse-title", Static).update(
            Text(f"What's on at {listing.theater_name}", style="bold")
        )
        days = Text("◀ ")
        for offset in range(DAYS_AHEAD):
            day = listing.today + dt.timedelta(days=offset)
            style = "reverse bold" if day == listing.day else ""
            days.append(f" {day_label(day, listing.today)} ", style=style)
        self.query_one("#browse-days", Static).update(days.append(" ▶"))
        genres = sorted({g for movie in listing.movies for g in movie.genres})
        if self.genre not in genres:
            self.genre = ALL_GENRES
        options = [Option("All genres", id=ALL_GENRES)]
        options += [Option(genre.title(), id=genre) for genre in genres]
        genre_list = self.query_one("#browse-genres", OptionList)
        genre_list.set_options(options)
        genre_list.highlighted = genre_list.get_option_index(self.genre)
        self.show_movies()

    def show_movies(self) -> None:
        listing = self.listing
        movies = self.query_one("#browse-movies", OptionList)
        if listing is None:
            return
        chosen = [m for m in listing.movies if self.genre in (ALL_GENRES, *m.genres)]
        movies.set_options(
            Option(
                Text.assemble(
                    (movie.title, "bold"),
                    f"\n  {movie.rating} · {movie.runtime_min} min · "
                    f"{len(listing.shows[movie.id])} show(s)",
                ),
                id=movie.id,
            )
            for movie in chosen
        )
        if chosen:
            movies.highlighted = 0
        else:
            self.query_one("#browse-details", Static).update(
                "Nothing more is showing on this day. Use ◀ ▶ to look at another day."
            )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "browse-genres":
            if event.option.id != self.genre:
                self.genre = event.option.id or ALL_GENRES
                self.show_movies()
        elif self.listing is not None and event.option.id:
            self.show_details(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "browse-genres":
            self.query_one("#browse-movies").focus()
        elif self.listing is not None and event.option.id:
            movie = next(m for m in self.listing.movies if m.id == event.option.id)
            self.app.push_screen(ShowtimesScreen(movie, self.listing.day))

    def show_details(self, movie_id: str) -> None:
        assert self.listing is not None
        movie = next(m for m in self.listing.movies if m.id == movie_id)
        shows = self.listing.shows[movie_id]
        formats = ", ".join(sorted({info.showtime.format for info in shows}))
        times = "  ".join(info.local_start.strftime("%H:%M") for info in shows)
        self.query_one("#browse-details", Static).update(
            Text.assemble(
                (movie.title + "\n", "bold"),
                f"Rated {movie.rating} · {movie.runtime_min} min\n",
                f"{', '.join(g.title() for g in movie.genres)}\n\n",
                movie.synopsis or "",
                f"\n\nFormats: {formats}\nShows: {times}\n\n",
                ("Press Enter to choose a showtime", "italic"),
            )
        )
