"""`marquee theaters|auditoriums|layouts|shows` against a real database."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from core.errors import NotFound
from core.layout import parse_layout

GOOD_LAYOUT = """\
# a small hall
   ==== SCREEN ====
A  WC..CW
B  SSS.SSSS
C  SVV.VVSX
"""
BAD_LAYOUT = "==== SCREEN ====\nA  SSSS\nB  SS?S\n"  # '?' is line 3, column 6


@pytest.fixture
def layout_file(tmp_path):
    def write(text: str = GOOD_LAYOUT, name: str = "hall.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def venue(box_office, admin):
    """Two theaters (New York and London) with one auditorium each, two movies, a card."""
    for theater_id, zone in (("ny", "America/New_York"), ("ldn", "Europe/London")):
        box_office.venues.add_theater(
            admin, name=theater_id.upper(), timezone=zone, theater_id=theater_id
        )
        box_office.venues.add_auditorium(
            admin,
            theater_id=theater_id,
            name="One",
            layout_text=GOOD_LAYOUT,
            auditorium_id=f"{theater_id}-1",
        )
    box_office.catalog.add_movie(admin, title="Alien", runtime_min=105, genres=["horror"])
    box_office.catalog.add_movie(admin, title="Up", runtime_min=90, genres=["family"])
    box_office.pricing.add_price_card(admin, name="Std", tickets={"adult": 1000}, card_id="std")


def shows_add(cli, movie, room, start, *extra):
    """`marquee shows add` of ``movie`` in ``room`` at ``start`` on the "std" card."""
    args = ["--movie", movie, "--auditorium", room, "--start", start, "--price-card", "std"]
    return cli("shows", "add", *args, *extra)


def add_show(cli, movie="alien", room="ny-1", start="2030-12-01 19:30", *extra):
    result = shows_add(cli, movie, room, start, *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def ids(cli, *args):
    """The ids `shows list ARGS --json` prints (whole stdout parsed as JSON)."""
    result = cli("shows", "list", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


# -- theaters and auditoriums --------------------------------------------------------
def test_theater_round_trip(cli, box_office, admin):
    added = cli(
        "theaters", "add", "The Roxy", "--timezone", "Europe/London", "--city", "Leeds", "--json"
    )
    assert added.exit_code == 0, added.stderr
    assert (added.json()["id"], added.json()["timezone"]) == ("the-roxy", "Europe/London")
    assert [row["id"] for row in cli("theaters", "list", "--json").json()] == ["the-roxy"]
    assert "Leeds" in cli("theaters", "list").stdout

    edited = cli("theaters", "edit", "the-roxy", "--name", "Roxy", "--address", "1 Main St")
    assert edited.exit_code == 0, edited.stderr
    shown = cli("theaters", "show", "the-roxy", "--json").json()
    assert (shown["name"], shown["address"], shown["auditoriums"]) == ("Roxy", "1 Main St", [])

    assert "timezone" in cli("theaters", "edit", "the-roxy", "--timezone", "Mars").error_line()
    assert cli("theaters", "remove", "the-roxy").exit_code == 0
    assert box_office.venues.theaters(admin) == []


def test_auditorium_round_trip(cli, box_office, admin, layout_file):
    cli("theaters", "add", "Roxy")
    added = cli("auditoriums", "add", "roxy", "Hall 1", "--layout", layout_file(), "--json")
    assert added.exit_code == 0, added.stderr
    room = added.json()
    assert (room["id"], room["capacity"]) == ("roxy-hall-1", 17)
    listed = cli("auditoriums", "list", "--theater", "roxy", "--json").json()
    assert [(row["id"], row["capacity"]) for row in listed] == [("roxy-hall-1", 17)]
    assert "Hall 1" in cli("auditoriums", "list").stdout
    assert "vip 4" in cli("auditoriums", "show", "roxy-hall-1").stdout

    shown = cli("theaters", "show", "roxy", "--json").json()
    assert [row["id"] for row in shown["auditoriums"]] == ["roxy-hall-1"]
    assert "Hall 1" in cli("theaters", "show", "roxy").stdout

    bigger = layout_file(GOOD_LAYOUT + "D  SSSSSSSS\n", "bigger.txt")
    edited = cli("auditoriums", "edit", "roxy-hall-1", "--layout", bigger, "--name", "Big")
    assert edited.exit_code == 0, edited.stderr
    assert box_office.venues.auditorium(admin, "roxy-hall-1").capacity == 25

    assert "auditorium" in cli("theaters", "remove", "roxy").error_line()
    assert cli("auditoriums", "remove", "roxy-hall-1").exit_code == 0
    assert cli("theaters", "remove", "roxy").exit_code == 0


def test_auditorium_with_bad_layout_writes_nothing(cli, box_office, admin, layout_file):
    cli("theaters", "add", "Roxy")
    line = cli("auditoriums", "add", "roxy", "H", "--layout", layout_file(BAD_LAYOUT)).error_line()
    assert "line 3, column 6" in line
    missing = cli("auditoriums", "add", "roxy", "H", "--layout", "nope.txt").error_line()
    assert "layout: cannot read" in missing
    assert box_office.venues.auditoriums(admin) == []


def test_auditorium_in_unknown_theater(cli, layout_file):
    line = cli("auditoriums", "add", "x", "H", "--layout", layout_file()).error_line()
    assert "no theater 'x'" in line


# -- layouts -------------------------------------------------------------------------
def test_layout_check_good_file(cli, layout_file):
    path = layout_file()
    result = cli("layouts", "check", path, "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["valid"] is True
    assert (summary["rows"], summary["capacity"], summary["screen"]) == (3, 17, "top")
    assert summary["categories"] == {"standard": 9, "vip": 4, "wheelchair": 2, "companion": 2}
    plain = cli("layouts", "check", path)
    assert plain.exit_code == 0 and "capacity:" in plain.stdout and "17" in plain.stdout


def test_layout_check_bad_file(cli, layout_file):
    path = layout_file(BAD_LAYOUT)
    assert "line 3, column 6" in cli("layouts", "check", path).error_line()
    as_json = cli("layouts", "check", path, "--json")
    assert as_json.exit_code == 1
    assert "line 3, column 6" in as_json.error_line()


def test_layout_show_draws_the_seats(cli, venue):
    drawn = cli("layouts", "show", "ny-1")
    assert drawn.exit_code == 0, drawn.stderr
    lines = drawn.stdout.splitlines()
    assert "SCREEN" in drawn.stdout
    row_b = next(line for line in lines if line.strip().startswith("B "))
    assert row_b.strip().endswith("B")  # labelled at both ends
    assert "♛" in drawn.stdout  # VIP seats have their own symbol
    assert "vip 4" in drawn.stdout and "blocked 1" in drawn.stdout  # the legend's counts
    assert "capacity 17" in drawn.stdout
    screen = next(index for index, line in enumerate(lines) if "SCREEN" in line)
    assert screen < lines.index(row_b)  # the screen is drawn above the rows

    text = cli("layouts", "show", "ny-1", "--text").stdout
    assert parse_layout(text) == parse_layout(GOOD_LAYOUT)

    data = cli("layouts", "show", "ny-1", "--json").json()
    assert data["auditorium"] == "ny-1" and data["screen"] == "top"
    assert [row["label"] for row in data["rows"]] == ["A", "B", "C"]
    assert data["rows"][2]["seats"][-1] == {
        "id": "C7",
        "number": 7,
        "column": 7,
        "category": "standard",
        "blocked": True,
    }
    assert "no auditorium 'zz'" in cli("layouts", "show", "zz").error_line()


# -- showtimes -----------------------------------------------------------------------
def test_show_add_is_stored_in_utc(cli, box_office, admin, venue):
    show = add_show(cli, "alien", "ny-1", "2030-12-01 19:30", "--format", "3D")
    assert show["starts_at"].startswith("2030-12-02T00:30")  # New York is UTC-5 in winter
    assert show["format"] == "3D"
    assert show["audio_language"] == "English"
    shown = cli("shows", "show", show["id"], "--json").json()
    assert shown["local_start"] == "2030-12-01T19:30:00-05:00"
    assert shown["movie_title"] == "Alien"
    plain = cli("shows", "show", show["id"]).stdout
    assert "2030-12-01 19:30 America/New_York" in plain


def test_overlapping_show_is_refused(cli, box_office, admin, venue):
    add_show(cli, "alien", "ny-1", "2030-12-01 19:30")
    line = shows_add(cli, "up", "ny-1", "2030-12-01 21:00").error_line()
    assert "clashes" in line
    assert len(box_office.schedule.showtimes(admin, include_cancelled=True)) == 1


@pytest.mark.parametrize("start", ["tomorrow", "2030-12-01", "2030-13-01 10:00"])
def test_bad_start_is_one_line(cli, box_office, admin, venue, start):
    line = shows_add(cli, "up", "ny-1", start).error_line()
    assert line.startswith("error: start:")
    assert box_office.schedule.showtimes(admin, include_cancelled=True) == []


def test_show_with_unknown_ids(cli, venue):
    assert "no movie 'x'" in shows_add(cli, "x", "ny-1", "2030-12-01 10:00").error_line()
    assert "no showtime 'nope'" in cli("shows", "show", "nope").error_line()


def test_shows_list_filters(cli, venue):
    first = add_show(cli, "alien", "ny-1", "2030-12-01 23:30")  # 04:30 UTC on the 2nd
    second = add_show(cli, "up", "ldn-1", "2030-12-01 10:00")
    third = add_show(cli, "up", "ny-1", "2030-12-02 12:00")

    assert ids(cli, "--date", "2030-12-01") == [second["id"], first["id"]]  # theater-local dates
    assert ids(cli, "--date", "2030-12-01", "--days", "2") == [
        second["id"],
        first["id"],
        third["id"],
    ]
    assert ids(cli, "--date", "2030-12-01", "--theater", "ny") == [first["id"]]
    assert ids(cli, "--date", "2030-12-01", "--days", "3", "--genre", "family") == [
        second["id"],
        third["id"],
    ]
    assert ids(cli, "--movie", "alien") == [first["id"]]  # upcoming from now
    assert ids(cli, "--date", "2030-12-03") == []

    table = cli("shows", "list", "--date", "2030-12-01").stdout
    assert "Alien" in table and "23:30" in table and "LDN" in table
    row = cli("shows", "list", "--theater", "ldn", "--json").json()[0]
    assert row["local_start"] == "2030-12-01T10:00:00+00:00"
    assert {"movie_id", "theater_id", "auditorium_id", "ends_at", "price_card_id"} <= set(row)
    assert "date" in cli("shows", "list", "--date", "2030-12-01", "--today").error_line()


def test_show_move_edit_cancel_remove(cli, box_office, admin, venue):
    show = add_show(cli, "alien", "ny-1", "2030-12-01 19:30")
    later = add_show(cli, "up", "ny-1", "2030-12-01 22:00")
    assert "clashes" in cli("shows", "move", show["id"], "--start", "2030-12-01 21:00").error_line()
    moved = cli("shows", "move", show["id"], "--start", "2030-12-01 17:00", "--json")
    assert moved.json()["starts_at"].startswith("2030-12-01T22:00")

    edited = cli(
        "shows", "edit", show["id"], "--subtitles", "Spanish", "--format", "IMAX", "--json"
    ).json()
    assert (edited["subtitles"], edited["format"]) == ("Spanish", "IMAX")
    assert "format" in cli("shows", "edit", show["id"], "--format", "8K").error_line()
    assert (
        "no price card 'vip'"
        in cli("shows", "edit", show["id"], "--price-card", "vip").error_line()
    )

    assert cli("shows", "cancel", later["id"]).exit_code == 0
    assert [row["id"] for row in cli("shows", "list", "--json").json()] == [show["id"]]
    every = cli("shows", "list", "--all", "--json").json()
    assert {row["id"]: row["status"] for row in every} == {
        show["id"]: "scheduled",
        later["id"]: "cancelled",
    }
    assert "cancelled" in cli("shows", "list", "--all").stdout

    assert "showtime" in cli("auditoriums", "remove", "ny-1").error_line()
    assert cli("shows", "remove", later["id"]).exit_code == 0
    with pytest.raises(NotFound):
        box_office.schedule.showtime(admin, later["id"])


def test_shows_list_upcoming_and_days(cli, box_office, admin, venue):
    soon = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    show = box_office.schedule.add_showtime(
        admin, movie_id="up", auditorium_id="ldn-1", starts_at=soon, price_card_id="std"
    )
    assert ids(cli) == [show.id]  # no date: upcoming from now
    local_day = soon.astimezone(ZoneInfo("Europe/London")).date()
    day_before = (local_day - dt.timedelta(days=1)).isoformat()
    assert ids(cli, "--date", day_before, "--days", "2") == [show.id]
    assert ids(cli, "--date", day_before) == []
    assert "days" in cli("shows", "list", "--days", "0").error_line()
    nothing = cli("shows", "list", "--date", "2030-01-01")
    assert nothing.exit_code == 0 and "no showtimes" in nothing.stdout
