"""`marquee movies|prices|extras` against a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import NotFound
from core.layout import grid_layout


@pytest.fixture
def scheduled(box_office, admin):
    """A movie and a price card used by one showtime."""
    theater = box_office.venues.add_theater(admin, name="Roxy", theater_id="roxy")
    room = box_office.venues.add_auditorium(
        admin, theater_id=theater.id, name="One", layout_text=grid_layout(3, 6)
    )
    movie = box_office.catalog.add_movie(admin, title="Dune", runtime_min=155, movie_id="dune")
    card = box_office.pricing.add_price_card(
        admin, name="Standard", tickets={"adult": 1200}, card_id="standard"
    )
    box_office.schedule.add_showtime(
        admin,
        movie_id=movie.id,
        auditorium_id=room.id,
        starts_at=dt.datetime(2030, 5, 1, 19, 0),
        price_card_id=card.id,
    )
    return movie, card


# -- movies --------------------------------------------------------------------------
def test_movie_add_list_show_edit_remove(cli, box_office, admin):
    added = cli(
        "movies",
        "add",
        "The Third Man",
        "--runtime",
        "104",
        "--genre",
        "Noir",
        "--genre",
        "thriller",
        "--rating",
        "PG",
        "--release",
        "1949-09-02",
        "--json",
    )
    assert added.exit_code == 0, added.stderr
    movie = added.json()
    assert movie["id"] == "the-third-man"
    assert movie["genres"] == ["noir", "thriller"]
    assert movie["runtime_min"] == 104
    assert movie["release_date"] == "1949-09-02"

    listed = cli("movies", "list", "--json")
    assert [row["id"] for row in listed.json()] == ["the-third-man"]

    edited = cli(
        "movies",
        "edit",
        "the-third-man",
        "--genres",
        "drama, war",
        "--runtime",
        "108",
        "--title",
        "The 3rd Man",
    )
    assert edited.exit_code == 0, edited.stderr
    assert "edited movie the-third-man" in edited.stdout
    shown = cli("movies", "show", "the-third-man", "--json").json()
    assert shown["genres"] == ["drama", "war"]
    assert shown["runtime_min"] == 108
    assert shown["title"] == "The 3rd Man"
    assert shown["rating"] == "PG"  # untouched

    removed = cli("movies", "remove", "the-third-man")
    assert removed.exit_code == 0, removed.stderr
    with pytest.raises(NotFound):
        box_office.catalog.movie(admin, "the-third-man")


def test_movie_add_plain_output_and_table(cli):
    result = cli("movies", "add", "Alien", "--runtime", "117", "--genres", "horror,sci-fi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "added movie alien"
    table = cli("movies", "list")
    assert (
        "Alien" in table.stdout and "117 min" in table.stdout and "horror, sci-fi" in table.stdout
    )


def test_movies_list_filters_and_genres(cli):
    cli("movies", "add", "Alien", "--runtime", "117", "--genres", "horror,sci-fi")
    cli("movies", "add", "Aliens", "--runtime", "137", "--genre", "action", "--genre", "sci-fi")
    cli("movies", "add", "Amelie", "--runtime", "122", "--genre", "comedy")
    by_genre = cli("movies", "list", "--genre", "Sci-Fi", "--json").json()
    assert [movie["id"] for movie in by_genre] == ["alien", "aliens"]
    by_title = cli("movies", "list", "--search", "ALIENS", "--json").json()
    assert [movie["id"] for movie in by_title] == ["aliens"]
    genres = cli("movies", "genres", "--json")
    assert genres.json() == ["action", "comedy", "horror", "sci-fi"]


def test_unknown_movie_is_one_line(cli):
    for args in (("show", "nope"), ("edit", "nope", "--runtime", "90"), ("remove", "nope")):
        assert "no movie 'nope'" in cli("movies", *args).error_line()


def test_bad_movie_input_is_one_line_and_writes_nothing(cli, box_office, admin):
    line = cli("movies", "add", "X", "--runtime", "90", "--release", "soon").error_line()
    assert "release" in line
    line = cli("movies", "add", "X", "--runtime", "0").error_line()
    assert "runtime_min" in line
    assert box_office.catalog.movies(admin) == []


def test_movie_remove_refused_while_scheduled(cli, box_office, admin, scheduled):
    line = cli("movies", "remove", "dune").error_line()
    assert "showtime" in line
    assert box_office.catalog.movie(admin, "dune").title == "Dune"


# -- price cards -------------------------------------------------------------------
def test_price_card_round_trip(cli, box_office, admin):
    added = cli(
        "prices",
        "add",
        "Evening",
        "--ticket",
        "adult=12.50",
        "--ticket",
        "child=9",
        "--surcharge",
        "vip=3.00",
        "--json",
    )
    assert added.exit_code == 0, added.stderr
    card = added.json()
    assert card["tickets"] == {"adult": 1250, "child": 900}
    assert card["surcharges"] == {"vip": 300}
    assert card["currency"] == "USD"

    table = cli("prices", "list")
    assert "adult $12.50, child $9.00" in table.stdout
    assert "vip $3.00" in table.stdout
    assert cli("prices", "list", "--json").json()[0]["id"] == "evening"

    edited = cli("prices", "edit", "evening", "--ticket", "adult=13", "--name", "Late")
    assert edited.exit_code == 0, edited.stderr
    shown = cli("prices", "show", "evening", "--json").json()
    assert shown["tickets"] == {"adult": 1300}  # --ticket replaces the whole map
    assert shown["surcharges"] == {"vip": 300}
    assert shown["name"] == "Late"

    cleared = cli("prices", "edit", "evening", "--clear-surcharges", "--json")
    assert cleared.json()["surcharges"] == {}

    assert cli("prices", "remove", "evening").exit_code == 0
    assert box_office.pricing.price_cards(admin) == []


def test_price_card_in_another_currency(cli):
    card = cli("prices", "add", "Tokyo", "--ticket", "adult=1800", "--currency", "jpy", "--json")
    assert card.json()["tickets"] == {"adult": 1800}
    assert card.json()["currency"] == "JPY"
    assert "adult ¥1,800" in cli("prices", "show", "tokyo").stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--ticket", "adult=12.555"), "ticket adult"),
        (("--ticket", "adult"), "ticket"),
        (("--ticket", "adult=-1"), "ticket adult"),
        (("--ticket", "adult=1", "--ticket", "Adult=2"), "given twice"),
        (("--ticket", "adult=1", "--surcharge", "balcony=2"), "surcharges"),
        ((), "tickets"),
    ],
)
def test_bad_price_card_is_one_line_and_writes_nothing(cli, box_office, admin, args, expected):
    assert expected in cli("prices", "add", "Bad", *args).error_line()
    assert box_office.pricing.price_cards(admin) == []


def test_price_card_remove_refused_while_used(cli, box_office, admin, scheduled):
    assert "used by 1 showtime" in cli("prices", "remove", "standard").error_line()
    assert box_office.pricing.price_card(admin, "standard").tickets == {"adult": 1200}


def test_unknown_price_card(cli):
    assert "no price card 'gold'" in cli("prices", "show", "gold").error_line()


# -- extras --------------------------------------------------------------------------
def test_extra_round_trip(cli, box_office, admin):
    added = cli("extras", "add", "Large Popcorn", "--price", "6.50", "--json")
    assert added.exit_code == 0, added.stderr
    assert added.json()["price"] == 650
    assert added.json()["kind"] == "snack"
    cli("extras", "add", "Cola", "--price", "3", "--kind", "drink", "--id", "cola")

    table = cli("extras", "list")
    assert "$6.50" in table.stdout and "Cola" in table.stdout

    assert cli("extras", "edit", "cola", "--inactive", "--price", "3.25").exit_code == 0
    assert [extra["id"] for extra in cli("extras", "list", "--json").json()] == ["large-popcorn"]
    every = {extra["id"]: extra for extra in cli("extras", "list", "--all", "--json").json()}
    assert every["cola"]["active"] is False
    assert every["cola"]["price"] == 325

    assert cli("extras", "edit", "cola", "--active").exit_code == 0
    assert box_office.pricing.extra(admin, "cola").active is True

    assert cli("extras", "remove", "cola").exit_code == 0
    assert "no extra 'cola'" in cli("extras", "show", "cola").error_line()


def test_bad_extra_is_one_line(cli, box_office, admin):
    assert "price" in cli("extras", "add", "Nachos", "--price", "cheap").error_line()
    assert "kind" in cli("extras", "add", "Nachos", "--price", "5", "--kind", "x").error_line()
    assert box_office.pricing.extras(admin, include_inactive=True) == []
