"""Typed dates and wall-clock times: years 2000-2100, no skipped local time, an
offset for a doubled one; the same rule in the parser, the CLI and the console."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from console_support import SIZE, answer, make_counter, open_tomorrows_schedule
from hypothesis import given, settings
from hypothesis import strategies as st
from kiosk_support import seeded_demo, wait_until

from core.errors import InvalidInput
from core.localtime import LAST_YEAR, parse_day, parse_moment

NEW_YORK = ZoneInfo("America/New_York")
ZONES = [
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",  # its summer time is the standard one: a negative DST
    "Australia/Lord_Howe",  # a half-hour change
    "America/Santiago",  # changes at midnight
    "Asia/Kolkata",  # never changes
    "UTC",
]
GAP = "2027-03-14 02:30 does not exist in America/New_York: clocks go from 02:00 to 03:00"
TWICE = "2027-11-07 01:30 happens twice in America/New_York: say 01:30-04:00 or 01:30-05:00"
demo = pytest.fixture(seeded_demo)


def problem(text: str, zone: dt.tzinfo = NEW_YORK) -> str:
    with pytest.raises(InvalidInput) as refused:
        parse_moment(text, zone, "start")
    return refused.value.problem


def test_a_skipped_time_is_refused_naming_the_gap():
    assert problem("2027-03-14 02:30") == GAP
    assert problem("2027-03-14 02:00").endswith("clocks go from 02:00 to 03:00")
    assert parse_moment("2027-03-14 03:00", NEW_YORK, "start").utcoffset() == dt.timedelta(hours=-4)
    assert parse_moment("2027-03-14 01:59", NEW_YORK, "start").utcoffset() == dt.timedelta(hours=-5)


def test_a_doubled_time_needs_its_offset():
    assert problem("2027-11-07 01:30") == TWICE
    summer = parse_moment("2027-11-07 01:30-04:00", NEW_YORK, "start")
    winter = parse_moment("2027-11-07 01:30-05:00", NEW_YORK, "start")
    assert winter - summer == dt.timedelta(hours=1)


def test_a_half_hour_change_is_named_to_the_minute():
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    assert problem("2027-10-03 02:15", lord_howe).endswith("clocks go from 02:00 to 02:30")


def change_days(zone: dt.tzinfo, year: int) -> list[dt.date]:
    """The days of ``year`` on which the zone's clocks change (noon to noon)."""
    noon = [dt.datetime(year, 1, 1, 12) + dt.timedelta(days=n) for n in range(366)]
    offsets = [moment.replace(tzinfo=zone).utcoffset() for moment in noon]
    return [noon[n].date() for n in range(1, 366) if offsets[n] != offsets[n - 1]]


@st.composite
def local_times(draw) -> tuple[dt.datetime, ZoneInfo]:
    """A zone and a wall-clock time in it, often on a day its clocks change."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    wall = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 12, 31, 23, 59)))
    days = change_days(zone, wall.year)
    if days and draw(st.booleans()):
        day = draw(st.sampled_from(days))
        wall = dt.datetime.combine(day, wall.time()) - dt.timedelta(days=draw(st.integers(0, 1)))
    return wall.replace(second=0, microsecond=0), zone


@settings(max_examples=300, deadline=None)
@given(local_times())
def test_a_time_is_read_as_typed_or_refused_for_the_right_reason(local):
    wall, zone = local
    text = f"{wall:%Y-%m-%d %H:%M}"
    instants = {  # every instant whose local time in the zone is the one typed
        moment.astimezone(dt.UTC)
        for fold in (0, 1)
        for moment in [wall.replace(tzinfo=zone, fold=fold)]
        if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall
    }
    try:
        moment = parse_moment(text, zone, "start")
    except InvalidInput as refused:
        if not instants:
            assert f"{text} does not exist in {zone.key}: clocks go from" in refused.problem
            return
        assert len(instants) == 2
        assert f"{text} happens twice in {zone.key}: say " in refused.problem
        choices = refused.problem.split(": say ")[1].split(" or ")
        chosen = {parse_moment(f"{wall:%Y-%m-%d} {c}", zone, "start") for c in choices}
        assert {c.astimezone(dt.UTC) for c in chosen} == instants
        return
    assert instants == {moment.astimezone(dt.UTC)}
    assert moment.astimezone(zone).replace(tzinfo=None) == wall


@settings(max_examples=200, deadline=None)
@given(local_times())
def test_a_date_alone_is_the_first_moment_of_that_day(local):
    wall, zone = local
    start = parse_moment(f"{wall:%Y-%m-%d}", zone, "from")
    assert start.astimezone(zone).date() == wall.date()
    before = start.astimezone(dt.UTC) - dt.timedelta(seconds=1)  # not wall-clock arithmetic
    assert before.astimezone(zone).date() < wall.date()


def test_a_day_whose_midnight_is_skipped_starts_after_the_gap():
    santiago = ZoneInfo("America/Santiago")  # clocks go from 00:00 to 01:00 that night
    start = parse_moment("2027-09-05", santiago, "from")
    assert start == dt.datetime(2027, 9, 5, 1, 0, tzinfo=santiago)
    assert parse_moment("2027-09-04", santiago, "until", end_of_day=True) == start


@given(day=st.dates())
def test_only_years_2000_to_2100_are_taken(day):
    text = day.isoformat()
    if 2000 <= day.year <= LAST_YEAR:
        assert parse_day(text, "date") == day
    else:
        with pytest.raises(InvalidInput, match=r"is outside the years 2000 to 2100"):
            parse_day(text, "date")


def test_the_end_of_the_last_day_is_still_taken():
    end = parse_moment("2100-12-31", dt.UTC, "until", end_of_day=True)
    assert end == dt.datetime(2101, 1, 1, tzinfo=dt.UTC)


# -- the CLI ------------------------------------------------------------------------------
@pytest.fixture
def new_york_hall(box_office, admin):
    box_office.venues.add_theater(
        admin, name="Ziegfeld", theater_id="ziegfeld", timezone="America/New_York"
    )
    room = box_office.venues.add_auditorium(
        admin, theater_id="ziegfeld", name="One", layout_text="=== SCREEN ===\nA  SSSS\n"
    )
    box_office.catalog.add_movie(admin, title="Dune", runtime_min=155, movie_id="dune")
    box_office.pricing.add_price_card(
        admin, name="Standard", tickets={"adult": 1250}, card_id="standard"
    )
    return room.id


def add_show(cli, room: str, start: str):
    return cli(
        "shows", "add", "--movie", "dune", "--auditorium", room, "--start", start,
        "--price-card", "standard", "--json",
    )  # fmt: skip


def test_shows_add_refuses_a_skipped_or_doubled_time_and_takes_an_offset(
    cli, box_office, new_york_hall
):
    assert add_show(cli, new_york_hall, "2027-03-14 02:30").error_line() == f"error: start: {GAP}"
    assert add_show(cli, new_york_hall, "2027-11-07 01:30").error_line() == f"error: start: {TWICE}"
    assert box_office.store.showtimes.find({}) == []

    added = add_show(cli, new_york_hall, "2027-11-07 01:30-05:00")
    assert added.exit_code == 0, added.stderr
    assert added.json()["starts_at"].startswith("2027-11-07T06:30:00")


def test_promo_dates_are_read_in_this_machines_named_zone(cli, box_office, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    refused = cli("promos", "add", "SPRING", "--percent", "10", "--from", "2027-03-14 02:30")
    assert refused.error_line() == f"error: from: {GAP}"
    assert box_office.store.promos.find({}) == []


# -- the counter console -----------------------------------------------------------------
async def test_the_console_refuses_moving_a_show_into_a_gap_or_a_far_year(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        schedule = await open_tomorrows_schedule(pilot)
        show = schedule.day.shows[0]
        zone = show.theater.zone
        gaps = {"America/New_York": "2027-03-14 02:30", "Europe/London": "2027-03-28 01:30"}
        await answer(pilot, "m", gaps[zone.key])
        await wait_until(pilot, lambda: "does not exist" in schedule.message or app.errors)
        assert f"does not exist in {zone.key}: clocks go from" in schedule.message
        await answer(pilot, "m", "9999-12-31 23:00")
        await wait_until(pilot, lambda: "outside the years" in schedule.message or app.errors)
        assert app.errors == []
    assert demo.store.showtimes.get(show.showtime.id).starts_at == show.showtime.starts_at
