"""Named repository queries select what their names say, whatever the filters given."""

from __future__ import annotations

import datetime as dt

import pymongo
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Showtime
from core.repo.store import Store

BASE = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
THEATERS, MOVIES, HALLS = ("roxy", "plaza"), ("heat", "alien", "up"), ("hall-1", "hall-2")
HOURS = range(0, 72, 5)


def showtime(number: int, hour: int) -> Showtime:
    return Showtime(
        id=f"show-{number}",
        movie_id=MOVIES[number % 3],
        theater_id=THEATERS[number % 2],
        auditorium_id=HALLS[(number // 2) % 2],
        price_card_id="standard",
        starts_at=BASE + dt.timedelta(hours=hour),
        ends_at=BASE + dt.timedelta(hours=hour + 2),
        status="cancelled" if number % 5 == 0 else "scheduled",
    )


SHOWTIMES = [showtime(number, hour) for number, hour in enumerate(HOURS)]


@pytest.fixture(scope="module")
def store(embedded_uri):
    client = pymongo.MongoClient(embedded_uri, tz_aware=True)  # as the box office connects
    database = client["marquee_repository_queries"]
    database.drop_collection("showtimes")
    store = Store(database)
    for record in SHOWTIMES:
        store.showtimes.insert(record)
    yield store
    client.drop_database("marquee_repository_queries")
    client.close()


moments = st.none() | st.integers(-3, 75).map(lambda hour: BASE + dt.timedelta(hours=hour))


def some_of(values: tuple[str, ...]):
    return st.none() | st.sets(st.sampled_from(values)).map(sorted)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    since=moments,
    until=moments,
    theater_ids=some_of(THEATERS),
    movie_ids=some_of(MOVIES),
    auditorium_id=st.none() | st.sampled_from(HALLS),
    include_cancelled=st.booleans(),
)
def test_showtimes_between_selects_exactly_the_showtimes_asked_for(
    store, since, until, theater_ids, movie_ids, auditorium_id, include_cancelled
):
    wanted = [
        show.id
        for show in SHOWTIMES
        if (since is None or show.starts_at >= since)
        and (until is None or show.starts_at < until)
        and (theater_ids is None or show.theater_id in theater_ids)
        and (movie_ids is None or show.movie_id in movie_ids)
        and (auditorium_id is None or show.auditorium_id == auditorium_id)
        and (include_cancelled or show.status == "scheduled")
    ]
    found = store.showtimes.between(
        since,
        until,
        theater_ids=theater_ids,
        auditorium_id=auditorium_id,
        movie_ids=movie_ids,
        include_cancelled=include_cancelled,
    )
    assert [show.id for show in found] == wanted  # in order of start, as the default sort


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hour=st.integers(-3, 75), span=st.integers(0, 30))
def test_showtimes_starting_within_a_span_are_the_scheduled_ones_after_now(store, hour, span):
    now, within = BASE + dt.timedelta(hours=hour), dt.timedelta(hours=span)
    wanted = [
        show.id
        for show in SHOWTIMES
        if show.status == "scheduled" and now < show.starts_at <= now + within
    ]
    assert [show.id for show in store.showtimes.starting_within(now, within)] == wanted
