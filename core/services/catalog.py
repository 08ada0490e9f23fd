"""Movies: what the box office shows."""

from __future__ import annotations

import datetime as dt

from core.errors import InUse
from core.models import Movie, slugify
from core.services.access import Actor
from core.services.catalog_base import CatalogServiceBase
from core.services.validation import build, revise


class CatalogService(CatalogServiceBase):
    def add_movie(
        self,
        actor: Actor,
        *,
        title: str,
        runtime_min: int,
        genres: list[str] | tuple[str, ...] = (),
        rating: str = "NR",
        synopsis: str = "",
        language: str = "English",
        release_date: dt.date | None = None,
        movie_id: str | None = None,
    ) -> Movie:
        self._access.require(actor, "catalog.write")
        movie = build(
            Movie,
            id=movie_id or self._store.movies.free_id(slugify(title)),
            title=title,
            runtime_min=runtime_min,
            genres=list(genres),
            rating=rating,
            synopsis=synopsis,
            language=language,
            release_date=release_date,
        )
        self._store.movies.insert(movie)
        self._announce("movie", movie.id, "added")
        return movie

    def movies(
        self, actor: Actor, *, genre: str | None = None, search: str | None = None
    ) -> list[Movie]:
        self._access.require(actor, "catalog.read")
        return self._store.movies.matching(
            genre=genre.strip().lower() if genre else None,
            title_part=search.strip() if search else None,
        )

    def movie(self, actor: Actor, movie_id: str) -> Movie:
        return self._readable(actor).movies.get(movie_id)

    def genres(self, actor: Actor) -> list[str]:
        self._access.require(actor, "catalog.read")
        return sorted({genre for movie in self._store.movies.find() for genre in movie.genres})

    def edit_movie(self, actor: Actor, movie_id: str, **changes: object) -> Movie:
        self._access.require(actor, "catalog.write")
        movie = revise(self._store.movies.get(movie_id), **changes)
        self._store.movies.replace(movie)
        self._announce("movie", movie.id, "edited")
        return movie

    def remove_movie(self, actor: Actor, movie_id: str) -> None:
        self._access.require(actor, "catalog.write")
        self._store.movies.get(movie_id)
        shows = self._store.showtimes.count({"movie_id": movie_id})
        if shows:
            raise InUse(f"movie '{movie_id}' has {shows} showtime(s); remove them first")
        self._store.movies.delete(movie_id)
        self._announce("movie", movie_id, "removed")
