"""Absurd input to any command: one line on stderr, a non-zero exit, nothing written.

Every command that takes a typed value (dates, times, amounts, counts, ids, text)
is fed values far outside what it can mean; none may print a traceback, echo a
control character or change the database.
"""

from __future__ import annotations

import re

import pytest
from cli_support import seed_cinema
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from core.errors import InvalidInput
from core.layout import MAX_TEXT
from core.models import Movie
from core.text import printable

ESC_CLEAR = "Evil\x1b[2J"
ESC_RED = "\x1b[31mRED"
HUGE = "99999999999999999999"  # beyond a 64-bit integer

SELL = ["book", "@show", "--seats", "A5", "--pay"]
SCHEDULE = ["shows", "add", "--movie", "dune", "--auditorium", "@room", "--price-card", "standard"]
CASES = {
    # promo codes: dates out of any sane window, counts and amounts beyond storage
    "promo-until-9999": ["promos", "add", "XMAS", "--percent", "10", "--until", "9999-12-31"],
    "promo-from-0001": ["promos", "add", "XMAS", "--percent", "10", "--from", "0001-01-01"],
    "promo-max-uses": ["promos", "add", "XMAS", "--percent", "10", "--max-uses", HUGE],
    "promo-amount": ["promos", "add", "XMAS", "--amount", HUGE],
    "promo-percent": ["promos", "add", "XMAS", "--percent", "1e308"],
    "promo-code-escape": ["promos", "add", ESC_RED, "--percent", "10"],
    "promo-edit-until": ["promos", "edit", "SPRING", "--until", "9999-12-31"],
    "promo-edit-max-uses": ["promos", "edit", "SPRING", "--max-uses", HUGE],
    "promo-edit-amount": ["promos", "edit", "SPRING", "--amount", "99999999999.99"],
    # selling
    "book-tendered": [*SELL, "cash", "--tendered", "999999999.99"],
    "book-seat-escape": ["book", "@show", "--seats", ESC_RED, "--pay", "simulated"],
    "book-tickets-count": [*SELL, "simulated", "--tickets", f"adult={HUGE}"],
    "book-extras-count": [*SELL, "simulated", "--extras", f"popcorn-large={HUGE}"],
    "book-email-escape": [*SELL, "simulated", "--email", "a\x1b@b.example"],
    "book-unknown-show": ["book", ESC_CLEAR, "--seats", "A5", "--pay", "simulated"],
    "seats-unknown-show": ["seats", ESC_RED],
    "bookings-unknown": ["bookings", "show", ESC_RED],
    "bookings-cancel-seats": ["bookings", "cancel", "@booking", "--seats", ESC_RED],
    "bookings-exchange-seats": ["bookings", "exchange", "@booking", "--seats", ESC_RED],
    # the schedule
    "show-start-9999": [*SCHEDULE, "--start", "9999-12-31 23:00"],
    "show-start-0001": [*SCHEDULE, "--start", "0001-01-01 00:00"],
    "show-start-garbage": [*SCHEDULE, "--start", "2027-13-45 25:61"],
    "show-audio-escape": [*SCHEDULE, "--start", "2030-01-01 10:00", "--audio", ESC_RED],
    "show-move-9999": ["shows", "move", "@show", "--start", "9999-12-31 23:00"],
    "shows-list-9999": ["shows", "list", "--date", "9999-12-31"],
    "shows-list-0001": ["shows", "list", "--date", "0001-01-01"],
    "shows-list-days": ["shows", "list", "--date", "2030-01-01", "--days", HUGE],
    "shows-list-escape": ["shows", "list", "--theater", ESC_RED],
    # cash drawer
    "cash-report-9999": ["cash", "report", "--date", "9999-12-31"],
    "cash-report-0001": ["cash", "report", "--date", "0001-01-01"],
    "cash-open-float": ["cash", "open", "--drawer", "TILL2", "--float", "99999999999999"],
    "cash-drop": ["cash", "drop", "99999999999999"],
    "cash-drop-note": ["cash", "drop", "5", "--note", ESC_CLEAR],
    "cash-close": ["cash", "close", "--counted", "99999999999999"],
    # reports and the audit log
    "report-sales-9999": ["report", "sales", "--from", "9999-12-31"],
    "report-occupancy-0001": ["report", "occupancy", "--to", "0001-01-01"],
    "report-shifts-9999": ["report", "shifts", "--from", "2030-01-01", "--to", "9999-12-31"],
    "audit-since-0001": ["audit", "list", "--since", "0001-01-01"],
    # the catalog
    "movie-title-escape": ["movies", "add", ESC_CLEAR, "--runtime", "100"],
    "movie-runtime": ["movies", "add", "Long", "--runtime", HUGE],
    "release-9999": ["movies", "add", "Later", "--runtime", "100", "--release", "9999-12-31"],
    "release-0001": ["movies", "add", "Sooner", "--runtime", "100", "--release", "0001-01-01"],
    "movie-edit-runtime": ["movies", "edit", "dune", "--runtime", HUGE],
    "movie-synopsis-escape": ["movies", "edit", "dune", "--synopsis", "a\x1b]0;owned\x07b"],
    "price-ticket": ["prices", "add", "Gold", "--ticket", f"adult={HUGE}"],
    "price-currency": ["prices", "add", "Gold", "--ticket", "adult=1", "--currency", "XYZ"],
    "price-edit-ticket": ["prices", "edit", "standard", "--ticket", "adult=99999999999.99"],
    "extra-price": ["extras", "add", "Caviar", "--price", "99999999999.99"],
    "extra-edit-price": ["extras", "edit", "popcorn-large", "--price", HUGE],
    "theater-name-escape": ["theaters", "add", ESC_CLEAR],
    "theater-city-escape": ["theaters", "add", "Plaza", "--city", "Paris\x9b2J"],
    "theater-zone-escape": ["theaters", "edit", "roxy", "--timezone", ESC_RED],
    "auditorium-name-escape": ["auditoriums", "add", "roxy", ESC_RED, "--layout", "@layout"],
    "layout-dev-zero": ["layouts", "check", "@zero"],
    "auditorium-dev-zero": ["auditoriums", "add", "roxy", "Two", "--layout", "@zero"],
    "layout-too-long": ["layouts", "check", "@long"],
    "notify-limit": ["notify", "outbox", "--limit", HUGE],
    "notify-state-escape": ["notify", "outbox", "--state", ESC_RED],
    # ids that name nothing, echoed escaped
    "tickets-list-escape": ["tickets", "list", ESC_RED],
    "users-disable-escape": ["users", "disable", ESC_RED],
    "layouts-show-escape": ["layouts", "show", ESC_RED],
    "report-theater-escape": ["report", "sales", "--theater", ESC_RED],
    "cash-shift-escape": ["cash", "report", "--shift", ESC_RED],
}


@pytest.fixture
def world(box_office, admin, tmp_path):
    """A cinema with a showtime, a booking, a promo code and an open cash drawer; the
    values that stand for its ids in CASES ('@show', '@room', '@booking') and for files
    ('@zero', '@layout')."""
    show = seed_cinema(box_office, admin)
    box_office.promos.add_promo(admin, code="SPRING", kind="percent", value=1000, currency="USD")
    box_office.cash.open_shift(admin, drawer="TILL1", opening_float=10000)
    layout, zero, long = tmp_path / "hall.txt", tmp_path / "zero.txt", tmp_path / "long.txt"
    layout.write_text("=== SCREEN ===\nA  SSSS\n", encoding="utf-8")
    zero.symlink_to("/dev/zero")
    long.write_text("=== SCREEN ===\nA  SSSS\n" + "#" * MAX_TEXT, encoding="utf-8")
    room = box_office.schedule.info(admin, show).auditorium.id
    basket = box_office.booking.new_basket(admin, show)
    basket = box_office.booking.hold(admin, basket.id, ["A1"])
    booking = box_office.checkout.checkout(admin, basket.id, "simulated")
    return {
        "@show": show,
        "@room": room,
        "@booking": booking.reference,
        "@zero": str(zero),
        "@long": str(long),
        "@layout": str(layout),
    }


def snapshot(box_office) -> dict[str, list]:
    """Every document of the test's database, collection by collection."""
    database = box_office.connection.database
    return {
        name: sorted(map(repr, database[name].find()))
        for name in sorted(database.list_collection_names())
    }


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_absurd_input_is_one_plain_line_and_writes_nothing(cli, box_office, world, args):
    before = snapshot(box_office)

    result = cli(*(world.get(arg, arg) for arg in args))

    line = result.error_line()  # non-zero exit, nothing on stdout, one line on stderr
    assert line.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "unexpected" not in line  # refused on purpose, not caught as a bug
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in result.stderr.rstrip("\n"))
    assert snapshot(box_office) == before


def test_an_unknown_seat_is_named_escaped(cli, world):
    result = cli("book", world["@show"], "--seats", ESC_RED, "--pay", "simulated")
    assert result.error_line() == ("error: seats: there is no seat \\x1b[31MRED in this auditorium")


def test_a_stored_title_with_control_characters_is_listed_escaped(cli, box_office, world):
    # Written before such text was refused: it still loads, and the table escapes it.
    box_office.connection.database["movies"].update_one(
        {"_id": "heat"}, {"$set": {"title": ESC_CLEAR}}
    )
    listed = cli("movies", "list")
    assert listed.exit_code == 0, listed.stderr
    assert "\x1b" not in listed.stdout
    assert "Evil\\x1b[2J" in listed.stdout


def test_a_bug_in_a_command_is_still_one_line(cli, box_office, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the projector caught fire\nsecond line")

    monkeypatch.setattr(type(box_office.catalog), "movies", broken)
    result = cli("movies", "list")
    # The bug is the server's: it logs the traceback, the command says where to find it.
    line = result.error_line()
    assert re.fullmatch(r"error: internal error \(logged as [0-9a-f]{8}\)", line), line
    assert "projector" not in result.stderr


def test_a_movie_title_with_control_characters_is_refused_by_the_service(box_office, admin):
    with pytest.raises(InvalidInput, match=r"title: must not contain control characters"):
        box_office.catalog.add_movie(admin, title=ESC_CLEAR, runtime_min=90)
    assert box_office.connection.database["movies"].count_documents({}) == 0


# -- the control character rule itself ---------------------------------------------------
CONTROLS = [chr(n) for n in [*range(32), *range(127, 160)]]
# Inside the text: surrounding whitespace (\t, \n...) is stripped before it is stored.
texts_with_a_control = st.tuples(
    st.just("a"),
    st.text(max_size=20),
    st.sampled_from(CONTROLS),
    st.text(max_size=20),
    st.just("z"),
).map("".join)


@given(title=texts_with_a_control)
def test_no_text_with_a_control_character_makes_a_movie(title):
    with pytest.raises(ValidationError, match="must not contain control characters"):
        Movie(id="m", title=title, runtime_min=90)


@given(text=st.text())
def test_printable_text_never_holds_a_control_character(text):
    shown = printable(text)
    assert not any(c in CONTROLS for c in shown)
    if not any(c in CONTROLS for c in text):
        assert shown == text


def test_text_stored_before_the_rule_loads_escaped():
    stored = Movie.from_document(
        {"_id": "m", "title": ESC_CLEAR, "synopsis": "one\ntwo\x07", "runtime_min": 90}
    )
    assert (stored.title, stored.synopsis) == ("Evil\\x1b[2J", "one\ntwo\\x07")


@pytest.mark.parametrize("port", [HUGE, "65536", "-5"])
def test_the_webhook_refuses_a_port_that_cannot_be(cli, world, monkeypatch, port):
    monkeypatch.setenv("MARQUEE_STRIPE_WEBHOOK_SECRET", "whsec_test")
    result = cli("payments", "webhook", "--port", port)
    assert result.error_line() == f"error: port: {port} is not a port from 1 to 65535"
