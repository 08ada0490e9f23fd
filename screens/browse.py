"""Choose a movie: what is on at this theater on a day, by genre, with the movie's details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.accounts import favourites_first
from core.models import Movie
from core.records import ShowtimeInfo
from screens.base import DAYS_AHEAD, SaleScreen, customer_preferences, day_label, sale_footer
from screens.showtimes import ShowtimesScreen

ALL_GENRES = "all"


@dataclass
class Listing:
    """One day at one theater: each movie with its showtimes."""

    theater_name: str
    today: dt.date
    day: dt.date
    movies: list[Movie]  # by title, a signed-in customer's favourite genres first
    shows: dict[str, list[ShowtimeInfo]]  # movie id -> its showtimes that day
    favourites: list[str] = field(default_factory=list)  # the customer's favourite genres

    def order_for(self, favourites: list[str]) -> None:
        self.favourites = favourites
        self.movies = favourites_first(sorted(self.movies, key=lambda m: m.title), favourites)


def favourite_genres(screen: SaleScreen) -> list[str]:
    """(In a worker.) The signed-in customer's favourite genres; none for a guest."""
    preferences = customer_preferences(screen)
    return list(preferences.favourite_genres) if preferences else []


def load_listing(screen: SaleScreen, day: dt.date | None) -> Listing:
    """Read (in a worker thread) what is on; ``None`` means today, theater time."""
    box_office, actor = screen.box_office, screen.actor
    theater = box_office.venues.theater(actor, screen.host.theater_id)
    now = dt.datetime.now(theater.zone)
    day = day or now.date()
    infos = box_office.schedule.showtimes(actor, theater_id=theater.id, on=day)
    infos = box_office.booking.selling(actor, infos)  # staff also see late ones
    shows: dict[str, list[ShowtimeInfo]] = {}
    for info in sorted(infos, key=lambda i: i.showtime.starts_at):
        shows.setdefault(info.movie.id, []).append(info)
    listing = Listing(
        theater.name, now.date(), day, list({i.movie.id: i.movie for i in infos}.values()), shows
    )
    listing.order_for(favourite_genres(screen))
    return listing


def shows_count(count: int) -> str:
    return f"{count} show" if count == 1 else f"{count} shows"


def on_to_programme(app: App) -> None:
    """Leave an account screen: back to where the customer was, or on to what is on
    when they came from the attract screen."""
    if len(app.screen_stack) <= 2:
        app.switch_screen(BrowseScreen())
    else:
        app.pop_screen()


class BrowseScreen(SaleScreen):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        # Short labels: the footer fits 80 columns.
        Binding("left", "day(-1)", "Day", key_display="←/→", priority=True),
        Binding("right", "day(1)", "Later day", show=False, priority=True),
        Binding("tab", "app.focus_next", "Genres/movies"),
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
        yield sale_footer(self)

    def on_mount(self) -> None:
        self.query_one("#browse-movies").focus()
        self.call_db(lambda: load_listing(self, None), self.show_listing, exclusive=True)
        self.watch(self.app, "customer_token", self.check_favourites, init=False)

    def on_screen_resume(self) -> None:
        self.check_favourites()  # back from the account screens: they may have changed

    def check_favourites(self) -> None:
        if self.listing is not None:
            self.call_db(lambda: favourite_genres(self), self.reorder, group="favourites")

    def reorder(self, favourites: list[str]) -> None:
        """Favourite genres first, the movie under the cursor kept under it."""
        if self.listing is None or favourites == self.listing.favourites:
            return
        movies = self.query_one("#browse-movies", OptionList)
        index = movies.highlighted
        current = movies.get_option_at_index(index).id if index is not None else None
        self.listing.order_for(favourites)
        self.show_movies(current)

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
        self.show_days()
        genres = sorted({g for movie in listing.movies for g in movie.genres})
        if self.genre not in genres:
            self.genre = ALL_GENRES
        options = [Option("All genres", id=ALL_GENRES)]
        options += [Option(genre.title(), id=genre) for genre in genres]
        genre_list = self.query_one("#browse-genres", OptionList)
        genre_list.set_options(options)
        genre_list.highlighted = genre_list.get_option_index(self.genre)
        self.show_movies()

    def show_days(self) -> None:
        """The week's days on one line: "Mon 07" in place of "Mon 07 Dec" when narrow."""
        listing = self.listing
        if listing is None:
            return
        short = self.size.width < 100
        days = Text("◀ ", no_wrap=True)
        for offset in range(DAYS_AHEAD):
            day = listing.today + dt.timedelta(days=offset)
            style = "reverse bold" if day == listing.day else ""
            days.append(f" {day_label(day, listing.today, short=short)} ", style=style)
        self.query_one("#browse-days", Static).update(days.append(" ▶"))

    def on_resize(self) -> None:
        self.show_days()

    def show_movies(self, keep: str | None = None) -> None:
        listing = self.listing
        movies = self.query_one("#browse-movies", OptionList)
        if listing is None:
            return
        chosen = [m for m in listing.movies if self.genre in (ALL_GENRES, *m.genres)]
        movies.set_options(
            Option(
                Text.assemble(
                    ("★ " if set(movie.genres) & set(listing.favourites) else "", "yellow"),
                    (movie.title, "bold"),
                    f"\n  {movie.rating} · {movie.runtime_min} min · "
                    f"{shows_count(len(listing.shows[movie.id]))}",
                ),
                id=movie.id,
            )
            for movie in chosen
        )
        if chosen:
            ids = [movie.id for movie in chosen]
            movies.highlighted = ids.index(keep) if keep in ids else 0
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
