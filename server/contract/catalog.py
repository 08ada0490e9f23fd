"""The catalog capability: requests and answers of CatalogService."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Movie
from server.contract.base import Operation, Request


class CatalogAddMovieIn(Request):
    title: str
    runtime_min: int
    genres: list[str] | tuple[str, ...] = ()
    rating: str = "NR"
    synopsis: str = ""
    language: str = "English"
    release_date: dt.date | None = None
    movie_id: str | None = None


class CatalogEditMovieIn(Request):
    movie_id: str
    changes: dict[str, Any] = {}


class CatalogGenresIn(Request):
    pass


class CatalogMovieIn(Request):
    movie_id: str


class CatalogMoviesIn(Request):
    genre: str | None = None
    search: str | None = None


class CatalogRemoveMovieIn(Request):
    movie_id: str


OPERATIONS = (
    Operation("catalog", "add_movie", CatalogAddMovieIn, Movie, writes=True),
    Operation(
        "catalog",
        "edit_movie",
        CatalogEditMovieIn,
        Movie,
        writes=True,
        positional=1,
        splat="changes",
    ),
    Operation("catalog", "genres", CatalogGenresIn, list[str], http="GET"),
    Operation("catalog", "movie", CatalogMovieIn, Movie, positional=1),
    Operation("catalog", "movies", CatalogMoviesIn, list[Movie]),
    Operation("catalog", "remove_movie", CatalogRemoveMovieIn, None, writes=True, positional=1),
)
