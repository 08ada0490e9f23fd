"""A sale's queries are answered through indexes, never by scanning a collection.

The embedded server answers in Python whatever it cannot turn into indexed SQL,
so a query shape it does not index costs time in proportion to every seat row
of every showtime ever sold; on a database with a few weeks of showtimes one
seat-map read took half a second that way. These tests record the filters the
booking engine sends while it sells, shows and watches seats, and ask the
server how it would answer each one.
"""

from __future__ import annotations

import pymongo
import pytest
from booking_support import LAYOUT, make_hall, tomorrow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import monitoring

import core.repo.client
from core.errors import SeatsTaken
from core.repo.filters import all_of
from core.services.access import Actor
from core.services.sell import SaleOrder

FILTER_KEYS = {"find": "filter", "findAndModify": "query", "count": "query"}


class FilterRecorder(monitoring.CommandListener):
    """The filter of every read and write a client sends."""

    def __init__(self) -> None:
        self.filters: list[tuple[str, str, dict]] = []  # (read or write, collection, filter)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        command, name = event.command, event.command_name
        collection = command.get(name)
        if name in FILTER_KEYS:
            self.filters.append(("read", collection, command.get(FILTER_KEYS[name]) or {}))
        for statement in list(command.get("updates", [])) + list(command.get("deletes", [])):
            self.filters.append(("write", collection, statement["q"]))

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


@pytest.fixture
def recorded(monkeypatch):
    recorder = FilterRecorder()

    def recording_client(*args, event_listeners=(), **options) -> pymongo.MongoClient:
        listeners = [recorder, *event_listeners]
        return pymongo.MongoClient(*args, event_listeners=listeners, **options)

    monkeypatch.setattr(core.repo.client, "MongoClient", recording_client)
    return recorder


def plan(database, collection: str, query: dict) -> str:
    """How the server would answer ``query``: its winning plan, as text."""
    explained = database[collection].find(query).explain()
    return repr(explained["queryPlanner"]["winningPlan"])


def scans(plan_text: str, collection: str) -> bool:
    # The embedded server reports SQLite's plan; MongoDB reports a COLLSCAN stage.
    return f"SCAN {collection}" in plan_text or "COLLSCAN" in plan_text


def keyed_by_id(query: dict) -> bool:
    """A write aimed at one document by ``_id`` (alone or first in ``$and``)."""
    first = query.get("$and", [query])[0]
    return isinstance(first, dict) and isinstance(first.get("_id"), str)


def test_a_sale_and_its_after_care_use_indexes(open_office, recorded, admin, clock):
    """Show, hold, pay, look up, cancel, reconcile and search: every read uses an index and
    every write goes to one document by ``_id`` or through an index."""
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    kiosk = Actor(subject="kiosk-1", role="kiosk", theaters=(hall.theater.id,))
    recorded.filters.clear()

    box_office.inventory.seat_map(kiosk, hall.showtime_id)
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B1", "B2"])
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    taken = box_office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken):
        box_office.booking.hold(kiosk, taken.id, ["B2", "B3"])
    box_office.aftersales.cancel(admin, booking.reference.lower(), ["B2"])
    box_office.reconcile.run(admin)
    box_office.inventory.occupancy(admin, [hall.showtime_id])
    # The booking desk's searches.
    box_office.aftersales.bookings(admin, showtime_id=hall.showtime_id, state="confirmed")
    box_office.aftersales.bookings(admin, contact="ada@example.com")

    database = box_office.store.database
    reads = [(c, q) for kind, c, q in recorded.filters if kind == "read"]
    writes = [(c, q) for kind, c, q in recorded.filters if kind == "write"]
    assert {c for c, _ in reads} >= {"seat_rows", "bookings", "showtimes"}
    assert {c for c, _ in writes} >= {"seat_rows", "bookings"}
    scanned = [(c, q) for c, q in reads if scans(plan(database, c, q), c)]
    assert scanned == []
    unkeyed = [(c, q) for c, q in writes if not keyed_by_id(q)]
    assert [(c, q) for c, q in unkeyed if scans(plan(database, c, q), c)] == []


def test_a_sale_asked_again_by_its_key_finds_it_through_an_index(
    open_office, recorded, admin, clock
):
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    order = SaleOrder(hall.showtime_id, ("B1",), "simulated", key="till-9-0001")
    box_office.sales.sell(admin, order)
    recorded.filters.clear()

    box_office.sales.sell(admin, order)

    database = box_office.store.database
    reads = [q for kind, c, q in recorded.filters if kind == "read" and c == "bookings"]
    assert reads and all("hold_id" in q for q in reads)
    assert [q for q in reads if scans(plan(database, "bookings", q), "bookings")] == []


def test_closing_a_showtime_reaches_its_rows_through_an_index(open_office, recorded, admin, clock):
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    recorded.filters.clear()
    box_office.schedule.cancel_showtime(admin, hall.showtime_id)
    rows = [q for kind, c, q in recorded.filters if c == "seat_rows" and not keyed_by_id(q)]
    assert rows  # the rows were closed by showtime, not one by one
    database = box_office.store.database
    assert [q for q in rows if scans(plan(database, "seat_rows", q), "seat_rows")] == []


def test_browsing_the_programme_uses_indexes(open_office, recorded, admin, clock):
    """What a kiosk reads while a customer browses by theater, date and genre."""
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    kiosk = Actor(subject="kiosk-1", role="kiosk", theaters=(hall.theater.id,))
    box_office.catalog.edit_movie(admin, hall.movie.id, genres=["drama"])
    day = tomorrow(clock).date()
    recorded.filters.clear()

    shown = box_office.schedule.showtimes(kiosk, theater_id=hall.theater.id, on=day)
    box_office.schedule.showtimes(kiosk, theater_id=hall.theater.id, genre="drama", on=day)
    box_office.inventory.occupancy(kiosk, [info.showtime.id for info in shown])

    database = box_office.store.database
    # An empty filter reads a whole small collection (every theater, every movie) on purpose.
    reads = [(c, q) for kind, c, q in recorded.filters if kind == "read" and q]
    assert {c for c, _ in reads} >= {"showtimes", "seat_rows"}
    # Movies by genre scan the catalogue, a few hundred small documents at most: the
    # embedded server's index on an array field answers an equality wrongly.
    reads = [(c, q) for c, q in reads if (c, list(q)) != ("movies", ["genres"])]
    assert [(c, q) for c, q in reads if scans(plan(database, c, q), c)] == []


def test_the_notification_sweeps_use_indexes(open_office, recorded, admin, clock):
    """Reminders, the confirmation catch-up and the sender's claim run every few
    seconds against collections that only grow."""
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    basket = box_office.booking.new_basket(admin, hall.showtime_id, channel="counter")
    basket = box_office.booking.hold(admin, basket.id, ["B1"])
    booking = box_office.checkout.checkout(admin, basket.id, "simulated")
    box_office.booking.set_contact(admin, booking.id, email="ada@example.com")
    recorded.filters.clear()

    box_office.notify.queue_reminders(admin)
    box_office.notify.send_due(admin)

    database = box_office.store.database
    reads = [(c, q) for kind, c, q in recorded.filters if kind == "read" and q]
    assert {c for c, _ in reads} >= {"showtimes", "outbox"}
    assert [(c, q) for c, q in reads if scans(plan(database, c, q), c)] == []


def test_checking_a_session_or_a_ticket_reads_its_key_through_an_index(
    open_office, recorded, admin
):
    """Every session check and ticket scan reads the key its token names, by id. (Finding
    the current key reads the whole collection: one small document per rotation.)"""
    box_office = open_office()
    box_office.auth.add_user(admin, "ada", "Ada", "admin", "correct horse")
    session = box_office.auth.sign_in("ada", "correct horse")
    box_office.keys.rotate(admin, "tickets")
    recorded.filters.clear()

    box_office.auth.actor_for(session.token)
    box_office.tickets.scan(admin, "MQ2.abcdefgh.eA.eA")

    database = box_office.store.database
    reads = [q for kind, c, q in recorded.filters if kind == "read" and c == "signing_keys"]
    assert len(reads) == 2 and all("_id" in q for q in reads)
    assert [q for q in reads if scans(plan(database, "signing_keys", q), "signing_keys")] == []


# -- all_of: the merged filter means what the $and did -------------------------------------------
FIELDS = ("a", "b")
OPERATORS = ("$gt", "$gte", "$lt", "$lte")
clause = st.one_of(
    st.builds(lambda f, v: {f: v}, st.sampled_from(FIELDS), st.integers(0, 3)),
    st.builds(
        lambda f, op, v: {f: {op: v}},
        st.sampled_from(FIELDS),
        st.sampled_from(OPERATORS),
        st.integers(0, 3),
    ),
)


@pytest.fixture(scope="module")
def small_collection(embedded_uri):
    client = pymongo.MongoClient(embedded_uri)
    collection = client["marquee_filters"]["docs"]
    collection.drop()
    collection.insert_many([{"_id": f"{a}{b}", "a": a, "b": b} for a in range(4) for b in range(4)])
    yield collection
    client.drop_database("marquee_filters")
    client.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(clauses=st.lists(clause, min_size=1, max_size=4))
def test_all_of_selects_what_the_and_selects(small_collection, clauses):
    merged = all_of(*clauses)
    wanted = {d["_id"] for d in small_collection.find({"$and": clauses})}
    assert {d["_id"] for d in small_collection.find(merged)} == wanted
    if "$and" not in merged:
        assert all(not key.startswith("$") for key in merged)


def test_all_of_merges_ranges_and_keeps_what_cannot_merge():
    assert all_of({"a": 1}, {"b": {"$gt": 2}}, {"b": {"$lt": 5}}) == {
        "a": 1,
        "b": {"$gt": 2, "$lt": 5},
    }
    assert all_of() == {}
    twice = [{"a": 1}, {"a": 2}]
    assert all_of(*twice) == {"$and": twice}
    either = [{"a": 1}, {"$or": [{"b": 1}, {"b": 2}]}]
    assert all_of(*either) == {"$and": either}


def test_a_basket_is_read_and_saved_by_its_id(open_office, recorded, admin, clock):
    """Continuing a basket reads one document through the _id index; each change is one
    conditional replace aimed at that document."""
    box_office = open_office()
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    kiosk = Actor(subject="kiosk-1", role="kiosk", theaters=(hall.theater.id,))
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    recorded.filters.clear()

    box_office.booking.basket(kiosk, basket.id)
    box_office.booking.hold(kiosk, basket.id, ["B1"])
    box_office.booking.set_extras(kiosk, basket.id, {})
    box_office.booking.release(kiosk, basket.id)

    database = box_office.store.database
    reads = [q for kind, c, q in recorded.filters if kind == "read" and c == "baskets"]
    writes = [q for kind, c, q in recorded.filters if kind == "write" and c == "baskets"]
    assert reads and all(q == {"_id": basket.id} for q in reads)
    assert len(writes) == 2 and all(set(q) == {"_id", "version"} for q in writes)
    assert [q for q in reads + writes if scans(plan(database, "baskets", q), "baskets")] == []
