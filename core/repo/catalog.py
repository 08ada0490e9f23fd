"""Repositories of the catalog: movies, theaters, auditoriums, showtimes, prices."""

from __future__ import annotations

import datetime as dt

from pymongo import ASCENDING

from core.models import Auditorium, Extra, Movie, PriceCard, Showtime, Theater
from core.repo.documents import DocumentRepository


class MovieRepository(DocumentRepository[Movie]):
    collection_name, model, kind = "movies", Movie, "movie"
    default_sort = [("title", ASCENDING)]


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

    def upcoming_in(self, auditorium_id: str, now: dt.datetime) -> list[Showtime]:
        """Scheduled showtimes of an auditorium that have not ended at ``now``."""
        return self.find(
            {"auditorium_id": auditorium_id, "status": "scheduled", "ends_at": {"$gt": now}}
        )
