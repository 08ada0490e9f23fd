"""Showtimes: a movie in an auditorium at a time, at a price card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from core.audit import changes_between
from core.config import ScheduleConfig
from core.errors import AlreadyExists, InvalidInput, ScheduleClash
from core.events import EventBus, ShowtimeChanged
from core.ids import readable_code
from core.localtime import check_day, in_zone
from core.models import Movie, Showtime, Theater
from core.records import ShowtimeInfo as ShowtimeInfo
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.validation import build, revise


class ScheduleService:
    def __init__(
        self,
        store: Store,
        access: Access,
        events: EventBus,
        config: ScheduleConfig,
        close_sales: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._access = access
        self._events = events
        self._config = config
        # Called, not published: a failure must stop the cancellation, not vanish.
        self._close_sales = close_sales or (lambda showtime_id: None)

    def add_showtime(
        self,
        actor: Actor,
        *,
        movie_id: str,
        auditorium_id: str,
        starts_at: dt.datetime,
        price_card_id: str,
        format: str = "2D",
        audio_language: str | None = None,
        subtitles: str | None = None,
    ) -> Showtime:
        auditorium = self._store.auditoriums.get(auditorium_id)
        self._access.require(actor, "schedule.write", auditorium.theater_id)
        movie = self._store.movies.get(movie_id)
        self._usable_card(price_card_id, auditorium.theater_id)
        theater = self._store.theaters.get(auditorium.theater_id)
        showtime = self._new_showtime(
            movie,
            auditorium.id,
            theater,
            price_card_id,
            starts_at,
            format=format,
            audio_language=audio_language,
            subtitles=subtitles,
        )
        self._refuse_clash(showtime, theater)
        try:
            self._store.showtimes.insert(showtime)
        except AlreadyExists:  # a code collision: astronomically rare, so just retry once
            showtime = revise(showtime, id=readable_code())
            self._store.showtimes.insert(showtime)
        self._verify_no_clash(showtime, theater)
        self._access.record(actor, "showtime added", showtime.id, theater.id)
        self._events.publish(ShowtimeChanged(showtime.id, "scheduled"))
        return showtime

    def add_showtimes(
        self,
        actor: Actor,
        *,
        auditorium_id: str,
        price_card_id: str,
        starts: Sequence[tuple[str, dt.datetime]],
        format: str = "2D",
    ) -> list[Showtime]:
        """A run of showtimes in one auditorium, (movie id, start) each, such as a day's
        programme: checked as ``add_showtime`` checks one, and written all or none in
        a handful of round trips rather than a dozen per showtime."""
        auditorium = self._store.auditoriums.get(auditorium_id)
        self._access.require(actor, "schedule.write", auditorium.theater_id)
        self._usable_card(price_card_id, auditorium.theater_id)
        theater = self._store.theaters.get(auditorium.theater_id)
        movies: dict[str, Movie] = {}
        added = []
        for movie_id, starts_at in starts:
            if movie_id not in movies:
                movies[movie_id] = self._store.movies.get(movie_id)
            movie = movies[movie_id]
            added.append(
                self._new_showtime(
                    movie, auditorium.id, theater, price_card_id, starts_at, format=format
                )
            )
        if not added:
            return []
        added.sort(key=lambda showtime: showtime.starts_at)
        for earlier, later in zip(added, added[1:], strict=False):
            if later.starts_at < earlier.ends_at:
                raise self._clash_error(earlier, theater)
        self._refuse_run_clash(added, theater)
        self._store.showtimes.insert_many(added)
        try:
            self._refuse_run_clash(added, theater)  # insert-then-verify, as for one
        except ScheduleClash:
            for showtime in added:
                self._store.showtimes.delete(showtime.id)
            raise
        self._access.record_each(actor, "showtime added", [s.id for s in added], theater.id)
        for showtime in added:
            self._events.publish(ShowtimeChanged(showtime.id, "scheduled"))
        return added

    def _new_showtime(
        self,
        movie: Movie,
        auditorium_id: str,
        theater: Theater,
        price_card_id: str,
        starts_at: dt.datetime,
        *,
        format: str,
        audio_language: str | None = None,
        subtitles: str | None = None,
    ) -> Showtime:
        start = self._in_utc(starts_at, theater)
        return build(
            Showtime,
            id=readable_code(),
            movie_id=movie.id,
            theater_id=theater.id,
            auditorium_id=auditorium_id,
            price_card_id=price_card_id,
            starts_at=start,
            ends_at=start + self._length(movie),
            format=format,
            audio_language=audio_language or movie.language,
            subtitles=subtitles,
        )

    def _refuse_run_clash(self, run: list[Showtime], theater: Theater) -> None:
        """A scheduled showtime outside ``run`` that overlaps one of it: a clash."""
        ours = {showtime.id for showtime in run}
        around = self._store.showtimes.overlapping(
            run[0].auditorium_id, run[0].starts_at, max(s.ends_at for s in run)
        )
        for other in around:
            if other.id not in ours and any(
                other.starts_at < s.ends_at and s.starts_at < other.ends_at for s in run
            ):
                raise self._clash_error(other, theater)

    def showtime(self, actor: Actor, showtime_id: str) -> Showtime:
        self._access.require(actor, "catalog.read")
        return self._store.showtimes.get(showtime_id)

    def info(self, actor: Actor, showtime_id: str) -> ShowtimeInfo:
        return self._infos([self.showtime(actor, showtime_id)])[0]

    def showtimes(
        self,
        actor: Actor,
        *,
        theater_id: str | None = None,
        movie_id: str | None = None,
        genre: str | None = None,
        auditorium_id: str | None = None,
        on: dt.date | None = None,
        since: dt.datetime | None = None,
        include_cancelled: bool = False,
    ) -> list[ShowtimeInfo]:
        """Showtimes by filter; ``on`` is a date in each theater's own time zone."""
        self._access.require(actor, "catalog.read")
        theater_ids = [self._store.theaters.get(theater_id).id] if theater_id else None
        movie_ids = [self._store.movies.get(movie_id).id] if movie_id else None
        if genre:
            ids = [movie.id for movie in self._store.movies.matching(genre=genre.lower())]
            if not ids or (movie_id and movie_id not in ids):
                return []
            movie_ids = movie_ids or ids
        start = until = None
        if on is not None:
            check_day(on, "date")
            # Widen by a day each side for time zones, then keep the theater-local date.
            day = dt.datetime.combine(on, dt.time(), dt.UTC)
            start, until = day - dt.timedelta(days=1), day + dt.timedelta(days=2)
        if since is not None:
            start = max(since, start or since)
        found = self._store.showtimes.between(
            start,
            until,
            theater_ids=theater_ids,
            auditorium_id=auditorium_id,
            movie_ids=movie_ids,
            include_cancelled=include_cancelled,
        )
        infos = self._infos(found)
        if on is not None:
            infos = [info for info in infos if info.local_start.date() == on]
        return infos

    def move_showtime(self, actor: Actor, showtime_id: str, starts_at: dt.datetime) -> Showtime:
        current = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", current.theater_id)
        theater = self._store.theaters.get(current.theater_id)
        start = self._in_utc(starts_at, theater)
        length = current.ends_at - current.starts_at
        moved = revise(current, starts_at=start, ends_at=start + length)
        self._refuse_clash(moved, theater)
        self._store.showtimes.replace(moved)
        self._verify_no_clash(moved, theater, undo=current)
        self._access.record(
            actor, "showtime moved", moved.id, moved.theater_id, changes_between(current, moved)
        )
        self._events.publish(ShowtimeChanged(moved.id, "moved"))
        return moved

    def edit_showtime(self, actor: Actor, showtime_id: str, **changes: object) -> Showtime:
        current = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", current.theater_id)
        if changes.get("price_card_id"):
            self._usable_card(str(changes["price_card_id"]), current.theater_id)
        edited = revise(current, **changes)
        self._store.showtimes.replace(edited)
        self._access.record(
            actor, "showtime edited", edited.id, edited.theater_id, changes_between(current, edited)
        )
        self._events.publish(ShowtimeChanged(edited.id, "edited"))
        return edited

    def cancel_showtime(self, actor: Actor, showtime_id: str) -> Showtime:
        current = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", current.theater_id)
        cancelled = revise(current, status="cancelled")
        # Close the seats first (sellers may hold the showtime in a cache): should
        # the next write fail, the showtime is unsellable rather than half cancelled.
        self._close_sales(showtime_id)
        self._store.showtimes.replace(cancelled)
        self._access.record(actor, "showtime cancelled", cancelled.id, cancelled.theater_id)
        self._events.publish(ShowtimeChanged(cancelled.id, "cancelled"))
        return cancelled

    def remove_showtime(self, actor: Actor, showtime_id: str) -> None:
        current = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", current.theater_id)
        self._close_sales(showtime_id)  # before the record goes: closing reads it
        self._store.showtimes.delete(showtime_id)
        self._access.record(actor, "showtime removed", showtime_id, current.theater_id)
        self._events.publish(ShowtimeChanged(showtime_id, "removed"))

    # -- helpers ----------------------------------------------------------------
    def _usable_card(self, card_id: str, theater_id: str) -> None:
        """A showtime takes a card of its own theater or one for every theater: the
        managers who may change a card are then those of the showtimes it prices."""
        card = self._store.price_cards.get(card_id)
        if card.theater_id not in (None, theater_id):
            raise InvalidInput(
                "price card", f"'{card.id}' is theater {card.theater_id}'s, not {theater_id}'s"
            )

    def length(self, actor: Actor, movie_id: str) -> dt.timedelta:
        """How long a showtime of the movie holds its auditorium, cleaning included."""
        self._access.require(actor, "catalog.read")
        return self._length(self._store.movies.get(movie_id))

    def _length(self, movie: Movie) -> dt.timedelta:
        return dt.timedelta(minutes=movie.runtime_min + self._config.cleaning_buffer_minutes)

    @staticmethod
    def _in_utc(when: dt.datetime, theater: Theater) -> dt.datetime:
        if not isinstance(when, dt.datetime):
            raise InvalidInput("start", "needs a date and a time")
        check_day(when.date(), "start")
        return in_zone(when, theater.zone, "start").astimezone(dt.UTC)

    def _refuse_clash(self, showtime: Showtime, theater: Theater) -> None:
        clashes = self._store.showtimes.overlapping(
            showtime.auditorium_id, showtime.starts_at, showtime.ends_at, exclude=showtime.id
        )
        if clashes:
            raise self._clash_error(clashes[0], theater)

    def _verify_no_clash(
        self, showtime: Showtime, theater: Theater, undo: Showtime | None = None
    ) -> None:
        """Insert-then-verify: two managers racing for one slot cannot both win."""
        clashes = self._store.showtimes.overlapping(
            showtime.auditorium_id, showtime.starts_at, showtime.ends_at, exclude=showtime.id
        )
        if not clashes:
            return
        if undo is None:
            self._store.showtimes.delete(showtime.id)
        else:
            self._store.showtimes.replace(undo)
        raise self._clash_error(clashes[0], theater)

    def _clash_error(self, other: Showtime, theater: Theater) -> ScheduleClash:
        movie = self._store.movies.get(other.movie_id)
        start = other.starts_at.astimezone(theater.zone).strftime("%Y-%m-%d %H:%M")
        end = other.ends_at.astimezone(theater.zone).strftime("%H:%M")
        return ScheduleClash(
            f"clashes with showtime {other.id} ({movie.title}, {start}-{end} including "
            f"cleaning) in auditorium {other.auditorium_id}"
        )

    def _infos(self, showtimes: list[Showtime]) -> list[ShowtimeInfo]:
        movies = self._store.movies.by_ids(s.movie_id for s in showtimes)
        theaters = self._store.theaters.by_ids(s.theater_id for s in showtimes)
        rooms = self._store.auditoriums.by_ids(s.auditorium_id for s in showtimes)
        return [
            ShowtimeInfo(s, movies[s.movie_id], theaters[s.theater_id], rooms[s.auditorium_id])
            for s in showtimes
        ]
