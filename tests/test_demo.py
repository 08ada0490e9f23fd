"""The demo dataset: big enough to be realistic, consistent, and safe to seed again."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from core.demo import seed_demo
from core.layout import SeatCategory


def test_demo_is_realistic_and_idempotent(box_office, admin):
    today = dt.date(2026, 11, 25)
    report = seed_demo(box_office, admin, today=today)
    assert report.added["theaters"] >= 2 and report.added["auditoriums"] >= 5
    assert report.added["movies"] >= 8 and report.added["price cards"] >= 1
    assert report.added["extras"] >= 4 and report.added["showtimes"] >= 7 * 5

    again = seed_demo(box_office, admin, today=today)
    assert again.added == {}
    assert (
        len(box_office.schedule.showtimes(admin, include_cancelled=True))
        == report.added["showtimes"]
    )

    halls = box_office.venues.auditoriums(admin)
    layouts = {hall.id: box_office.venues.layout(admin, hall.id) for hall in halls}
    assert max(layout.capacity for layout in layouts.values()) >= 1000
    assert len({hall.layout for hall in halls}) == len(halls)
    counts = [layout.category_counts() for layout in layouts.values()]
    for category in SeatCategory:
        assert any(count[category] for count in counts), category
    assert len({genre for m in box_office.catalog.movies(admin) for genre in m.genres}) >= 6

    for hall in halls:
        shows = box_office.schedule.showtimes(admin, auditorium_id=hall.id)
        days = {info.local_start.date() for info in shows}
        assert days == {today + dt.timedelta(days=n) for n in range(7)}
        for earlier, later in pairwise(info.showtime for info in shows):
            assert earlier.ends_at <= later.starts_at


def test_a_later_day_adds_only_the_new_day(box_office, admin):
    first = seed_demo(box_office, admin, today=dt.date(2026, 11, 25))
    later = seed_demo(box_office, admin, today=dt.date(2026, 11, 26))
    assert set(later.added) == {"showtimes"}
    assert 0 < later.added["showtimes"] < first.added["showtimes"]
