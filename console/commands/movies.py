"""``marquee movies``: the films the box office shows."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from console import context
from console.options import AsJson, NewId, given
from console.parsing import parse_date
from console.render import done, render, render_record, render_records, report
from core.localtime import FIRST_RELEASE_YEAR
from core.models import Movie

movies = typer.Typer(help="Films the box office shows.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(movies, name="movies")


def _genres(repeated: list[str] | None, joined: str | None) -> list[str] | None:
    """--genre a --genre b and/or --genres "a,b"; None when neither was given."""
    if not repeated and joined is None:
        return None
    items = [*(repeated or []), *(joined or "").split(",")]
    return [item.strip() for item in items if item.strip()]


Genre = Annotated[list[str] | None, typer.Option("--genre", help="A genre (repeatable).")]
Genres = Annotated[str | None, typer.Option("--genres", help='Comma-separated: "drama,war".')]
Rating = Annotated[str | None, typer.Option("--rating", help="Like PG-13.")]
Synopsis = Annotated[str | None, typer.Option("--synopsis")]
Language = Annotated[str | None, typer.Option("--language", help="Spoken language.")]
Release = Annotated[str | None, typer.Option("--release", help="Release date, YYYY-MM-DD.")]


@movies.command("add")
def add_movie(
    title: str,
    runtime: Annotated[int, typer.Option("--runtime", help="Running time in minutes.")],
    genre: Genre = None,
    genres: Genres = None,
    rating: Rating = None,
    synopsis: Synopsis = None,
    language: Language = None,
    release: Release = None,
    movie_id: NewId = None,
    as_json: AsJson = False,
) -> None:
    """Add a movie."""
    movie = context.services().catalog.add_movie(
        context.actor(),
        title=title,
        runtime_min=runtime,
        genres=_genres(genre, genres) or [],
        release_date=parse_date(release, "release", first_year=FIRST_RELEASE_YEAR),
        movie_id=movie_id,
        **given(rating=rating, synopsis=synopsis, language=language),
    )
    report(movie, as_json, f"added movie {movie.id}")


@movies.command("list")
def list_movies(
    genre: Annotated[str | None, typer.Option("--genre", help="Only this genre.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Words in the title.")] = None,
    as_json: AsJson = False,
) -> None:
    """List movies, by title."""
    found = context.services().catalog.movies(context.actor(), genre=genre, search=search)
    columns = ["id", "title", "genres", "rating", "runtime"]
    render_records(found, _movie_row, as_json, columns, title="Movies")


def _movie_row(movie: Movie) -> dict[str, Any]:
    return movie.model_dump() | {"runtime": f"{movie.runtime_min} min"}


@movies.command("show")
def show_movie(movie_id: str, as_json: AsJson = False) -> None:
    """Show one movie."""
    movie = context.services().catalog.movie(context.actor(), movie_id)
    render_record(movie.model_dump(), as_json, json_data=movie)


@movies.command("edit")
def edit_movie(
    movie_id: str,
    title: Annotated[str | None, typer.Option("--title")] = None,
    runtime: Annotated[int | None, typer.Option("--runtime", help="Minutes.")] = None,
    genre: Genre = None,
    genres: Genres = None,
    rating: Rating = None,
    synopsis: Synopsis = None,
    language: Language = None,
    release: Release = None,
    as_json: AsJson = False,
) -> None:
    """Change a movie; --genre/--genres replace its genres (--genres "" clears them)."""
    movie = context.services().catalog.edit_movie(
        context.actor(),
        movie_id,
        title=title,
        runtime_min=runtime,
        genres=_genres(genre, genres),
        rating=rating,
        synopsis=synopsis,
        language=language,
        release_date=parse_date(release, "release", first_year=FIRST_RELEASE_YEAR),
    )
    report(movie, as_json, f"edited movie {movie.id}")


@movies.command("remove")
def remove_movie(movie_id: str) -> None:
    """Remove a movie (refused while it has showtimes)."""
    context.services().catalog.remove_movie(context.actor(), movie_id)
    done(f"removed movie {movie_id}")


@movies.command("genres")
def list_genres(as_json: AsJson = False) -> None:
    """Every genre used by some movie."""
    found = context.services().catalog.genres(context.actor())
    render(
        [{"genre": genre} for genre in found], as_json, ["genre"], title="Genres", json_rows=found
    )
