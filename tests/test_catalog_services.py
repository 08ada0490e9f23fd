"""Catalog services against the real database: validation, clashes, unknown ids, in-use rules."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import (
    AlreadyExists,
    InUse,
    InvalidInput,
    LayoutError,
    NotFound,
    PermissionDenied,
    ScheduleClash,
)
from core.layout import grid_layout
from core.services.access import Actor

LAYOUT = "=== SCREEN ===\nA  SSSS.SSSS\nB  WCSS.SSVV\n"


@pytest.fixture
def hall(box_office, admin):
    theater = box_office.venues.add_theater(admin, name="Odeon", timezone="Europe/Paris")
    auditorium = box_office.venues.add_auditorium(
        admin, theater_id=theater.id, name="Salle 1", layout_text=LAYOUT
    )
    movie = box_office.catalog.add_movie(admin, title="Amélie", runtime_min=122, genres=["Comedy"])
    card = box_office.pricing.add_price_card(admin, name="Normal", tickets={"adult": 1100})
    return theater, auditorium, movie, card


def show_in_hall(box_office, admin, hall, starts_at: dt.datetime, **other):
    """A showtime of the hall's movie on its card at ``starts_at`` (``other``: ids to use
    instead)."""
    _, auditorium, movie, card = hall
    ids = {"movie_id": movie.id, "price_card_id": card.id} | other
    return box_office.schedule.add_showtime(
        admin, auditorium_id=auditorium.id, starts_at=starts_at, **ids
    )


def test_movie_round_trip_and_genre_filter(box_office, admin):
    added = box_office.catalog.add_movie(
        admin,
        title="Dune: Part Two",
        runtime_min=166,
        genres=["Sci-Fi", "adventure"],
        release_date=dt.date(2024, 3, 1),
    )
    assert added.id == "dune-part-two"
    assert box_office.catalog.movie(admin, added.id) == added
    assert [m.id for m in box_office.catalog.movies(admin, genre="SCI-FI")] == [added.id]
    assert box_office.catalog.movies(admin, genre="horror") == []
    assert box_office.catalog.genres(admin) == ["adventure", "sci-fi"]
    again = box_office.catalog.add_movie(admin, title="Dune: Part Two", runtime_min=166)
    assert again.id == "dune-part-two-2"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"runtime_min": 0}, "runtime_min"),
        ({"title": ""}, "title"),
        ({"runtime_min": 9999}, "runtime_min"),
    ],
)
def test_invalid_movies_are_refused_naming_the_field(box_office, admin, changes, field):
    values = {"title": "Heat", "runtime_min": 170} | changes
    with pytest.raises(InvalidInput) as raised:
        box_office.catalog.add_movie(admin, **values)
    assert raised.value.field == field
    assert box_office.catalog.movies(admin) == []


def test_bad_layout_writes_nothing(box_office, admin):
    theater = box_office.venues.add_theater(admin, name="Rex")
    with pytest.raises(LayoutError) as raised:
        box_office.venues.add_auditorium(
            admin, theater_id=theater.id, name="1", layout_text="== SCREEN ==\nA  SSQS\n"
        )
    assert (raised.value.line, raised.value.column) == (2, 6)
    assert box_office.venues.auditoriums(admin) == []


def test_layout_is_stored_canonically_with_its_capacity(box_office, admin, hall):
    _, auditorium, _, _ = hall
    layout = box_office.venues.layout(admin, auditorium.id)
    assert auditorium.capacity == 16
    assert layout.seat("B2").category == "companion"
    assert layout.seat("B8").category == "vip"


def test_showtime_times_are_stored_in_utc_with_cleaning_buffer(box_office, admin, hall):
    theater, auditorium, movie, card = hall
    show = show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 20, 0))
    assert show.starts_at == dt.datetime(2026, 7, 14, 18, 0, tzinfo=dt.UTC)  # Paris is UTC+2
    assert show.ends_at - show.starts_at == dt.timedelta(minutes=122 + 15)
    listed = box_office.schedule.showtimes(admin, theater_id=theater.id, on=dt.date(2026, 7, 14))
    assert [info.showtime.id for info in listed] == [show.id]
    assert listed[0].local_start.hour == 20
    assert box_office.schedule.showtimes(admin, on=dt.date(2026, 7, 15)) == []
    assert [i.showtime.id for i in box_office.schedule.showtimes(admin, genre="comedy")] == [
        show.id
    ]
    assert box_office.schedule.showtimes(admin, genre="horror") == []


def test_overlapping_showtimes_are_refused_naming_the_clash(box_office, admin, hall):
    first = show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 20, 0))
    with pytest.raises(ScheduleClash) as raised:
        show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 22, 0))
    assert first.id in str(raised.value) and "Amélie" in str(raised.value)
    assert len(box_office.schedule.showtimes(admin, include_cancelled=True)) == 1
    # Right after the cleaning buffer is fine.
    show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 22, 17))
    with pytest.raises(ScheduleClash):
        box_office.schedule.move_showtime(admin, first.id, dt.datetime(2026, 7, 14, 21, 0))
    assert box_office.schedule.showtime(admin, first.id).starts_at == first.starts_at


def test_a_run_of_showtimes_is_added_all_or_none(box_office, admin, hall):
    _theater, auditorium, movie, card = hall
    day = dt.datetime(2026, 7, 14)

    def run(*hours: float):
        return box_office.schedule.add_showtimes(
            admin,
            auditorium_id=auditorium.id,
            price_card_id=card.id,
            starts=[(movie.id, day + dt.timedelta(hours=hour)) for hour in hours],
        )

    existing = show_in_hall(box_office, admin, hall, day + dt.timedelta(hours=20))
    with pytest.raises(ScheduleClash) as raised:  # the last of the run meets the 20:00
        run(11, 14, 18.5)
    assert existing.id in str(raised.value)
    with pytest.raises(ScheduleClash):  # two of the run overlap each other
        run(11, 12)
    assert [i.showtime.id for i in box_office.schedule.showtimes(admin)] == [existing.id]

    added = run(14, 11)  # in any order; kept in time order, each as long as one alone
    assert [s.starts_at.astimezone(hall[0].zone).hour for s in added] == [11, 14]
    assert all(s.ends_at - s.starts_at == existing.ends_at - existing.starts_at for s in added)
    assert len(box_office.schedule.showtimes(admin)) == 3
    audited = box_office.store.audit.find({"action": "showtime added"})
    assert {entry.target for entry in audited} == {existing.id, *(s.id for s in added)}


def test_unknown_ids_are_named(box_office, admin, hall):
    with pytest.raises(NotFound, match="no movie 'nope'"):
        show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 20, 0), movie_id="nope")
    with pytest.raises(NotFound, match="no price card 'gold'"):
        show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 20, 0), price_card_id="gold")
    assert box_office.schedule.showtimes(admin, include_cancelled=True) == []


def test_records_in_use_cannot_be_removed(box_office, admin, hall):
    theater, auditorium, movie, card = hall
    show_in_hall(box_office, admin, hall, dt.datetime(2026, 7, 14, 20, 0))
    for remove, record_id in [
        (box_office.catalog.remove_movie, movie.id),
        (box_office.venues.remove_auditorium, auditorium.id),
        (box_office.venues.remove_theater, theater.id),
        (box_office.pricing.remove_price_card, card.id),
    ]:
        with pytest.raises(InUse):
            remove(admin, record_id)
    assert box_office.catalog.movie(admin, movie.id) == movie


def test_explicit_ids_must_be_unique(box_office, admin):
    box_office.pricing.add_extra(admin, name="Popcorn", price=550, extra_id="popcorn")
    with pytest.raises(AlreadyExists, match="extra 'popcorn' already exists"):
        box_office.pricing.add_extra(admin, name="Popcorn", price=600, extra_id="popcorn")


def test_writes_need_a_manager(box_office):
    customer = Actor(subject="c1", role="customer")
    with pytest.raises(PermissionDenied, match="not allowed"):
        box_office.catalog.add_movie(customer, title="Heat", runtime_min=170)
    assert box_office.catalog.movies(customer) == []


def test_a_thousand_seat_hall(box_office, admin):
    theater = box_office.venues.add_theater(admin, name="Grand")
    auditorium = box_office.venues.add_auditorium(
        admin,
        theater_id=theater.id,
        name="Big",
        layout_text=grid_layout(30, 40, aisles=(10, 30), vip_rows=("P",), wheelchair_row="A"),
    )
    assert auditorium.capacity >= 1000
    assert box_office.venues.layout(admin, auditorium.id).seat("AD40").row == "AD"
