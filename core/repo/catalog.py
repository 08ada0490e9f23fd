"""Repositories of the catalog: movies, theaters, auditoriums, showtimes, prices."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from pymongo import ASCENDING

from core.models import Auditorium, Extra, Movie, PriceCard, Showtime, Theater
from core.repo.documents import DocumentRepository


class MovieRepository(DocumentRepository[Movie]):
    collection_name, model, kind = "movies", Movie, "movie"
    default_sort = [("title", ASCENDING)]

    def matching(self, *, genre: str | None = None, title_part: str | None = None) -> list[Movie]:
        """Movies of a genre (as stored: lower case) whose title holds ``title_part``
        in any case; either left out matches every movie."""
        query: dict[str, Any] = {}
        if genre:
            # $in rather than a bare value: the embedded server misses array equality.
            query["genres"] = {"$in": [genre]}
        if title_part:
            query["title"] = {"$regex": re.escape(title_part), "$options": "i"}
        return self.find(query)


class TheaterRepository(DocumentRepository[Theater]):
    collection_name, model, kind = "theaters", Theater, "theater"
    default_sort = [("name", ASCENDING)]


class AuditoriumRepository(DocumentRepository[Auditorium]):
    collection_name, model, kind = "auditoriums", Auditorium, "auditorium"
    default_sort = [("theater_id", ASCENDING), ("name", ASCENDING)]


class PriceCardRepository(DocumentRepository[PriceCard]):
    collection_name, model, kind = "price_cards", PriceCard, "price card"


class ExtraRepository(DocumentRepository[Extra]):
    collection_name, model, kind = "extras", Extra, "extra"
    default_sort = [("kind", ASCENDING), ("name", ASCENDING)]


class ShowtimeRepository(DocumentRepository[Showtime]):
    collection_name, model, kind = "showtimes", Showtime, "showtime"
    default_sort = [("starts_at", ASCENDING), ("_id", ASCENDING)]

    def overlapping(
        self, auditorium_id: str, starts_at: dt.datetime, ends_at: dt.datetime, exclude: str = ""
    ) -> list[Showtime]:
        return self.find(
            {
                "auditorium_id": auditorium_id,
                "status": "scheduled",
                "starts_at": {"$lt": ends_at},
                "ends_at": {"$gt": starts_at},
                "_id": {"$ne": exclude},
            }
        )

    def between(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        *,
        theater_ids: Collection[str] | None = None,
        auditorium_id: str | None = None,
        movie_ids: Collection[str] | None = None,
        include_cancelled: bool = False,
    ) -> list[Showtime]:
        """Showtimes starting at or after ``since`` and before ``until`` (either open),
        in these theaters, auditorium and movies where given; scheduled ones only unless
        ``include_cancelled``. One plain filter: the embedded server scans on an $and."""
        if (theater_ids is not None and not theater_ids) or (
            movie_ids is not None and not movie_ids
        ):
            return []  # an empty $in matches nothing; the embedded server reads everything
        query: dict[str, Any] = {}
        if theater_ids is not None:
            query["theater_id"] = _one_of(theater_ids)
        if auditorium_id:
            query["auditorium_id"] = auditorium_id
        if movie_ids is not None:
            query["movie_id"] = _one_of(movie_ids)
        if not include_cancelled:
            query["status"] = "scheduled"
        window = {}
        if since is not None:
            window["$gte"] = since
        if until is not None:
            window["$lt"] = until
        if window:
            query["starts_at"] = window
        return self.find(query)

    def starting_within(self, now: dt.datetime, span: dt.timedelta) -> list[Showtime]:
        """Scheduled showtimes starting after ``now`` and at most ``span`` later."""
        return self.find({"status": "scheduled", "starts_at": {"$gt": now, "$lte": now + span}})

    def upcoming_in(self, auditorium_id: str, now: dt.datetime) -> list[Showtime]:
        """Scheduled showtimes of an auditorium that have not ended at ``now``."""
        return self.find(
            {"auditorium_id": auditorium_id, "status": "scheduled", "ends_at": {"$gt": now}}
        )


def _one_of(values: Collection[str]) -> Any:
    """Equality for one value (the plainest index read), else ``$in``."""
    wanted = sorted(set(values))
    return wanted[0] if len(wanted) == 1 else {"$in": wanted}
