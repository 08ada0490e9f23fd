"""Sales lines and the aggregation pipelines of the manager reports.

A *sales line* is a small copy of the figures of one booking that took money,
written by :class:`~core.repo.bookings.BookingRepository` with every write of
the booking. The reports aggregate these lines rather than the bookings: a
line is a tenth of a booking's size, which is what lets a million tickets be
summed in about a second on the embedded server. A line carries the booking's
version and is only ever replaced by the line of a newer version, so two
processes saving one booking one after the other cannot leave an older line.

Each extra a sold booking carries gets an *extra line* of its own beside it
(``sales_extras``: booking, day, theater, extra, quantity, amount), written in the
same step and guarded by the same version. The extras report is then one
``$match`` and one ``$group``, the shape that the embedded server runs in SQL;
an ``$unwind`` of the lines' extras would run stage by stage through temporary
tables, several times slower at a million tickets.

Each seat of a sold booking gets a *seat line* too (``sales_seats``: booking,
showtime, seat, and ``active`` 1 while the seat holds a valid ticket, else 0), so
the seat heatmap is again one ``$match`` on the showtimes and one ``$group`` by
seat, which the embedded server runs in SQL: counting seats out of the seat rows'
maps takes an ``$unwind``, tens of seconds over a year of one hall's showtimes.
A seat line is never deleted, only set inactive, so a newer version of a booking
replaces all of its lines. (A database that had bookings before seat lines existed
gets them with ``marquee report rebuild``.)

``day`` is the date of the sale in the theater's own time zone: the date of
confirmation, or of the payment when the seats were lost before confirmation.
Money is integer minor units, like everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import ASCENDING, IndexModel, ReplaceOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from core.models import Booking

COLLECTION = "sales_lines"
INDEXES = [
    IndexModel([("day", ASCENDING), ("theater_id", ASCENDING)]),
    IndexModel([("showtime_id", ASCENDING)]),
]
EXTRAS_COLLECTION = "sales_extras"
EXTRAS_INDEXES = [IndexModel([("day", ASCENDING), ("theater_id", ASCENDING)])]
SEATS_COLLECTION = "sales_seats"
SEATS_INDEXES = [IndexModel([("showtime_id", ASCENDING)])]
SALES_FIGURES = (
    "bookings",
    "tickets",
    "tickets_amount",
    "extras_amount",
    "discount",
    "paid",
    "refunded",
)


def has_sales_line(booking: Booking) -> bool:
    """Whether ``booking`` ever took money (a refunded one keeps its line)."""
    return booking.confirmed_at is not None or any(
        m.kind == "payment" and m.state == "succeeded" for m in booking.payments
    )


def sales_line(booking: Booking, zone: ZoneInfo) -> dict[str, Any] | None:
    """The figures of ``booking`` for the reports, or None if it never took money."""
    if not has_sales_line(booking):
        return None
    succeeded = [m for m in booking.payments if m.state == "succeeded"]
    payments = [m for m in succeeded if m.kind == "payment"]
    sold_at = booking.confirmed_at or payments[0].at
    sold = booking.confirmed_at is not None
    tickets = [seat for seat in booking.seats if seat.status != "exchanged"] if sold else []
    active = booking.active_seats if booking.state == "confirmed" else []
    extras = booking.extras if sold else []
    return {
        "_id": booking.id,
        "version": booking.version,
        "theater_id": booking.theater_id,
        "showtime_id": booking.showtime_id,
        "day": sold_at.astimezone(zone).date().isoformat(),
        "bookings": int(sold),
        "tickets": len(tickets),
        "tickets_amount": sum(seat.price for seat in tickets),
        "extras_amount": sum(extra.amount for extra in extras),
        "discount": booking.discount if sold else 0,
        "paid": sum(m.amount for m in payments),
        "refunded": sum(m.amount for m in succeeded if m.kind == "refund"),
        "active": len(active),
        "active_amount": sum(seat.price for seat in active),
        "extras": [
            {"extra_id": e.extra_id, "name": e.name, "quantity": e.quantity, "amount": e.amount}
            for e in extras
        ],
    }


def extra_lines(line: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per extra of a sales line, keyed by booking and extra."""
    shared = {key: line[key] for key in ("version", "theater_id", "day")}
    return [
        {"_id": f"{line['_id']}:{extra['extra_id']}", "booking_id": line["_id"], **shared, **extra}
        for extra in line["extras"]
    ]


def seat_lines(booking: Booking) -> list[dict[str, Any]]:
    """One line per seat of a sold booking, keyed by booking and the seat's place in it."""
    if booking.confirmed_at is None:
        return []
    valid = booking.state == "confirmed"
    shared = {"booking_id": booking.id, "version": booking.version}
    return [
        {
            "_id": f"{booking.id}:{index}",
            **shared,
            "showtime_id": booking.showtime_id,
            "seat": seat.seat_id,
            "active": int(valid and seat.status == "active"),
        }
        for index, seat in enumerate(booking.seats)
    ]


class TheaterZones:
    """Each theater's time zone, read from the theaters and kept for a minute."""

    def __init__(self, database: Database, keep_s: float = 60.0) -> None:
        self._theaters = database["theaters"]
        self._keep_s = keep_s
        self._known: dict[str, tuple[float, ZoneInfo]] = {}

    def __call__(self, theater_id: str) -> ZoneInfo:
        now = time.monotonic()
        known = self._known.get(theater_id)
        if known is None or now - known[0] > self._keep_s:
            document = self._theaters.find_one({"_id": theater_id}, {"timezone": 1}) or {}
            known = self._known[theater_id] = (now, ZoneInfo(document.get("timezone") or "UTC"))
        return known[1]


class SalesLineRepository:
    def __init__(self, database: Database) -> None:
        self.collection = database[COLLECTION]
        self.extras_collection = database[EXTRAS_COLLECTION]
        self.seats_collection = database[SEATS_COLLECTION]
        self.zone_of = TheaterZones(database)

    def _lines_of(self, bookings: Iterable[Booking]) -> list[dict[str, Any]]:
        """The sales lines of those of ``bookings`` that took money."""
        found = (sales_line(b, self.zone_of(b.theater_id)) for b in bookings)
        return [line for line in found if line is not None]

    def insert_new(self, bookings: Iterable[Booking]) -> None:
        """The lines of bookings just inserted, in one round trip each (imports, benchmarks)."""
        bookings = list(bookings)
        lines = self._lines_of(bookings)
        extras = [extra for line in lines for extra in extra_lines(line)]
        seats = [seat for booking in bookings for seat in seat_lines(booking)]
        if lines:
            self.collection.insert_many(lines, ordered=False)
        if extras:
            self.extras_collection.insert_many(extras, ordered=False)
        if seats:
            self.seats_collection.insert_many(seats, ordered=False)

    def rewrite(self, bookings: Iterable[Booking]) -> int:
        """Write the lines of ``bookings`` from the bookings themselves (the catch-up, a
        rebuild); a line of a newer version of a booking is never replaced by an older."""
        bookings = list(bookings)
        lines = self._lines_of(bookings)
        _replace_all(self.collection, lines, _not_newer_than)
        _replace_all(
            self.extras_collection,
            [extra for line in lines for extra in extra_lines(line)],
            _not_newer_than,
        )
        _replace_all(
            self.seats_collection,
            [seat for booking in bookings for seat in seat_lines(booking)],
            _not_newer_than,
        )
        return len(lines)

    # -- the pipelines ---------------------------------------------------------
    def sales_by_day(
        self, start: str | None, end: str | None, theaters: list[str] | None
    ) -> list[dict[str, Any]]:
        """One row per sale date: ``_id`` is the date, then the sums of SALES_FIGURES."""
        sums = {name: {"$sum": f"${name}"} for name in SALES_FIGURES}
        return _grouped(self.collection, start, end, theaters, {"_id": "$day", **sums})

    def extras(
        self, start: str | None, end: str | None, theaters: list[str] | None
    ) -> list[dict[str, Any]]:
        """One row per extra sold: ``_id`` is the extra id, then name, quantity, amount."""
        group = {
            "_id": "$extra_id",
            # $max, not $first: the embedded server runs $first stage by stage.
            "name": {"$max": "$name"},
            "quantity": {"$sum": "$quantity"},
            "amount": {"$sum": "$amount"},
        }
        return _grouped(self.extras_collection, start, end, theaters, group)

    def by_showtime(self, showtime_ids: list[str]) -> list[dict[str, Any]]:
        """Seats held by valid tickets and their face value, per showtime."""
        if not showtime_ids:
            return []
        pipeline: list[dict[str, Any]] = [
            {"$match": {"showtime_id": {"$in": showtime_ids}}},
            {
                "$group": {
                    "_id": "$showtime_id",
                    "seats": {"$sum": "$active"},
                    "amount": {"$sum": "$active_amount"},
                }
            },
        ]
        return list(self.collection.aggregate(pipeline))

    def seats_sold(self, showtime_ids: list[str]) -> dict[str, int]:
        """How many of these showtimes each seat ("F12") holds a valid ticket for; seats
        never sold are absent. One ``$match`` and one ``$group``: run in SQL."""
        if not showtime_ids:
            return {}
        wanted = sorted(set(showtime_ids))
        pipeline: list[dict[str, Any]] = [
            {"$match": {"showtime_id": wanted[0] if len(wanted) == 1 else {"$in": wanted}}},
            {"$group": {"_id": "$seat", "sold": {"$sum": "$active"}}},
        ]
        found = self.seats_collection.aggregate(pipeline)
        return {row["_id"]: row["sold"] for row in found if row["sold"]}


def _grouped(
    collection: Collection,
    start: str | None,
    end: str | None,
    theaters: list[str] | None,
    group: dict[str, Any],
) -> list[dict[str, Any]]:
    """The lines sold in the range at those theaters (None: all; []: none), grouped by
    ``group`` and sorted by its ``_id``."""
    if theaters == []:
        return []
    pipeline = [
        {"$match": _in_range(start, end, theaters)},
        {"$group": group},
        {"$sort": {"_id": 1}},
    ]
    return list(collection.aggregate(pipeline))


def _not_newer_than(line: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"_id": line["_id"]}, {"version": {"$lte": line["version"]}}]}


def _replace_all(
    collection: Collection, lines: list[dict[str, Any]], guard: Callable[[dict], dict]
) -> None:
    """Upsert ``lines`` in one round trip, each only over a line that ``guard`` allows."""
    if not lines:
        return
    try:
        collection.bulk_write(
            [ReplaceOne(guard(line), line, upsert=True) for line in lines], ordered=False
        )
    except BulkWriteError as error:  # a duplicate key: a newer line was written meanwhile
        if any(e.get("code") != 11000 for e in error.details.get("writeErrors", [])):
            raise


def _in_range(start: str | None, end: str | None, theaters: list[str] | None) -> dict[str, Any]:
    """The $match of the lines sold between two dates at some theaters.

    Shaped for the embedded server, whose SQL translation refuses some forms and
    then runs the stage in Python, row by row: it is never empty, and several
    theaters are an ``$in`` (it goes before a ``$group``, never before an ``$unwind``).
    Every shape means the same on MongoDB."""
    days: dict[str, Any] = {}
    if start:
        days["$gte"] = start
    if end:
        days["$lte"] = end
    match: dict[str, Any] = {"day": days or {"$exists": True}}
    if theaters is None:
        return match
    match["theater_id"] = theaters[0] if len(theaters) == 1 else {"$in": theaters}
    return match
