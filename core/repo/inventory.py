"""Seat state of showtimes: one small document per row of seats.

``_id`` is ``"<showtime>:<row>"``; a seat is keyed ``s<number>`` inside its row::

    {"_id": "k7q2mx:F", "showtime_id": "k7q2mx", "row": "F",
     "h":    {"s11": {"b": "<hold id>", "u": 1764000000.0}},   # held until u (epoch s)
     "sold": {"s12": "<booking id>", "s1": "#house seat"}}    # "#..." = blocked

Why rows: seats a customer takes together sit in one row, so holding them is a
single conditional update of one document, which is atomic on any MongoDB; the
whole seat map is one indexed read (by ``showtime_id``) of a few dozen small
documents. Every claim's condition reads the expiry, so an expired hold is free
again without a sweeper. ``sold.sN`` is only ever set where it was absent, so a seat is sold at
most once, and only ``unsell`` by the owning booking removes it.

A cancelled (or removed) showtime's rows carry ``"closed": true``: no claim or
sale succeeds on a closed row afterwards (only a retried sale of seats already
sold to that same booking), so sellers may cache the showtime record itself.

Query shapes are chosen for the embedded server as well as MongoDB: filters
start from ``_id`` or the indexed ``showtime_id`` and wrap ``$or`` in an
explicit ``$and``. (An ``_id`` range is not one of them: the embedded server
answers it by scanning every row of every showtime.)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pymongo.database import Database
from pymongo.errors import BulkWriteError, PyMongoError


@dataclass(frozen=True)
class RowState:
    """What is taken in one row; seat numbers absent from every map are free."""

    row: str
    held: dict[int, tuple[str, float]] = field(default_factory=dict)  # number -> (hold, until)
    sold: dict[int, str] = field(default_factory=dict)  # number -> booking id
    blocked: dict[int, str] = field(default_factory=dict)  # number -> reason
    closed: bool = False  # the showtime was cancelled: nothing here can be sold any more

    @classmethod
    def from_document(cls, document: dict) -> RowState:
        return cls(
            row=document["row"],
            held={int(k[1:]): (v["b"], v["u"]) for k, v in document.get("h", {}).items()},
            sold={int(k[1:]): v for k, v in document.get("sold", {}).items() if v[:1] != "#"},
            blocked={
                int(k[1:]): v[1:] for k, v in document.get("sold", {}).items() if v[:1] == "#"
            },
            closed=bool(document.get("closed", False)),
        )

    def available(self, number: int, hold_id: str, now: float) -> bool:
        """Free for ``hold_id``: not sold, not blocked, and not held live by another."""
        if number in self.sold or number in self.blocked:
            return False
        holder = self.held.get(number)
        return holder is None or holder[0] == hold_id or holder[1] < now


def row_key(showtime_id: str, row: str) -> str:
    return f"{showtime_id}:{row}"


OPEN = {"closed": {"$exists": False}}  # the row's showtime is still on sale


def _claimable(key: str, hold_id: str, now: float, *, again: bool = True) -> dict:
    """The condition for one seat to be claimed by ``hold_id`` at ``now``.

    A blocked seat is stored in ``sold`` too (as "#reason"), so one ``$exists``
    covers both. ``again`` also accepts the seat's own live hold (for a sale);
    a fresh claim leaves it out, which keeps the hot query small."""
    free_or_lapsed = [{f"h.{key}": {"$exists": False}}, {f"h.{key}.u": {"$lt": now}}]
    if again:
        free_or_lapsed.append({f"h.{key}.b": hold_id})
    return {"$and": [{f"sold.{key}": {"$exists": False}}, {"$or": free_or_lapsed}]}


class SeatInventoryRepository:
    def __init__(self, database: Database) -> None:
        self._rows = database["seat_rows"]

    def create_rows(self, showtime_id: str, rows: Iterable[str]) -> None:
        """Create the row documents of a showtime; rows that exist are left alone."""
        documents = [
            {"_id": row_key(showtime_id, row), "showtime_id": showtime_id, "row": row}
            for row in rows
        ]
        try:
            self._rows.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            if any(e.get("code") != 11000 for e in error.details.get("writeErrors", [])):
                raise

    def rows(self, showtime_id: str) -> list[RowState]:
        """Every row document of a showtime, in one indexed read."""
        # No projection: leaving one small field out costs the embedded server a
        # deep copy of every document, more than sending the field does.
        cursor = self._rows.find({"showtime_id": showtime_id})
        return [RowState.from_document(document) for document in cursor]

    def row(self, showtime_id: str, row: str) -> RowState | None:
        document = self._rows.find_one({"_id": row_key(showtime_id, row)})
        return None if document is None else RowState.from_document(document)

    def claim(
        self,
        showtime_id: str,
        row: str,
        numbers: list[int],
        hold_id: str,
        until: float,
        now: float,
    ) -> bool:
        """Hold every seat ``numbers`` of one row for ``hold_id``, or none of them.

        False if any seat was not available (or the row document does not exist yet)."""
        keys = [f"s{number}" for number in numbers]
        condition = {"$and": [{"_id": row_key(showtime_id, row)}, OPEN]}
        condition["$and"] += [_claimable(key, hold_id, now, again=False) for key in keys]
        result = self._rows.update_one(
            condition, {"$set": {f"h.{key}": {"b": hold_id, "u": until} for key in keys}}
        )
        return result.modified_count == 1

    def release(self, showtime_id: str, row: str, numbers: list[int], hold_id: str) -> None:
        """Drop ``hold_id``'s holds on these seats; seats held by others are untouched."""
        for number in numbers:
            key = f"h.s{number}"
            self._rows.update_one(
                {"$and": [{"_id": row_key(showtime_id, row)}, {f"{key}.b": hold_id}]},
                {"$unset": {key: ""}},
            )

    def extend(
        self,
        showtime_id: str,
        row: str,
        numbers: list[int],
        hold_id: str,
        until: float,
        now: float,
    ) -> bool:
        """Move the expiry of live holds of ``hold_id``; False if any had lapsed or gone."""
        condition: dict = {"$and": [{"_id": row_key(showtime_id, row)}]}
        for number in numbers:
            condition["$and"] += [{f"h.s{number}.b": hold_id}, {f"h.s{number}.u": {"$gte": now}}]
        result = self._rows.update_one(
            condition, {"$set": {f"h.s{number}.u": until for number in numbers}}
        )
        return result.matched_count == 1  # same expiry again is still a success

    def sell(
        self,
        showtime_id: str,
        row: str,
        numbers: list[int],
        hold_id: str,
        booking_id: str,
        now: float,
    ) -> bool:
        """Turn seats into sold seats of ``booking_id`` in one atomic write.

        The condition is the claim's: a seat still held by this hold, or free
        again after its hold lapsed, can be sold; one sold or held live by
        someone else cannot. A closed row sells nothing new."""
        keys = [f"s{number}" for number in numbers]
        already = {"$and": [{f"sold.{key}": booking_id} for key in keys]}
        condition = {"$and": [{"_id": row_key(showtime_id, row)}, {"$or": [OPEN, already]}]}
        # Selling again to the same booking succeeds, so a retry after a crash is safe.
        condition["$and"] += [
            {"$or": [{f"sold.{key}": booking_id}, _claimable(key, hold_id, now)]} for key in keys
        ]
        result = self._rows.update_one(
            condition,
            {
                "$set": {f"sold.{key}": booking_id for key in keys},
                "$unset": {f"h.{key}": "" for key in keys},
            },
        )
        return result.matched_count == 1

    def unsell(self, showtime_id: str, row: str, numbers: list[int], booking_id: str) -> int:
        """Free seats sold to ``booking_id``; returns how many were freed."""
        freed = 0
        for number in numbers:
            key = f"sold.s{number}"
            result = self._rows.update_one(
                {"$and": [{"_id": row_key(showtime_id, row)}, {key: booking_id}]},
                {"$unset": {key: ""}},
            )
            freed += result.modified_count
        return freed

    def block(
        self, showtime_id: str, row: str, numbers: list[int], reason: str, now: float
    ) -> bool:
        """Take seats off sale (house seats, a broken seat) if none is sold or held."""
        keys = [f"s{number}" for number in numbers]
        condition = {"$and": [{"_id": row_key(showtime_id, row)}]}
        condition["$and"] += [_claimable(key, "", now, again=False) for key in keys]
        blocked = {f"sold.{key}": f"#{reason}" for key in keys}
        result = self._rows.update_one(condition, {"$set": blocked})
        return result.modified_count == 1

    def unblock(
        self, showtime_id: str, row: str, numbers: list[int], reason: str | None = None
    ) -> None:
        """Put blocked seats back on sale; only those blocked for ``reason`` if given."""
        marker = {"$regex": "^#"} if reason is None else f"#{reason}"
        for number in numbers:
            key = f"sold.s{number}"
            self._rows.update_one(
                {"$and": [{"_id": row_key(showtime_id, row)}, {key: marker}]},
                {"$unset": {key: ""}},
            )

    def close(self, showtime_id: str, rows: Iterable[str]) -> None:
        """Take the whole showtime off sale for good: every later claim or sale fails.

        Rows are created first where missing, so a row laid out later (by a claim
        racing with this) already exists and keeps the mark."""
        self.create_rows(showtime_id, rows)
        self._rows.update_many({"showtime_id": showtime_id}, {"$set": {"closed": True}})

    def drop_showtime(self, showtime_id: str) -> None:
        self._rows.delete_many({"showtime_id": showtime_id})

    def changes(self, showtime_id: str, wait_ms: int = 250) -> Iterator[bool] | None:
        """Ticks as the showtime's rows change (True) or a wait passes (False).

        Uses a change stream; None where the server has none (a standalone
        mongod), so the caller falls back to polling."""
        try:
            stream = self._rows.watch(
                [{"$match": {"fullDocument.showtime_id": showtime_id}}],
                full_document="updateLookup",
                max_await_time_ms=wait_ms,
            )
        except PyMongoError:
            return None
        return self._ticks(stream, wait_ms / 1000)

    @staticmethod
    def _ticks(stream, wait_s: float) -> Iterator[bool]:
        with stream:
            while stream.alive:
                began = time.monotonic()
                changed = stream.try_next() is not None
                if not changed:
                    # Some servers answer an empty wait at once; wait out the rest
                    # so an idle watch costs a few reads a second, not a thousand.
                    time.sleep(max(0.0, wait_s - (time.monotonic() - began)))
                yield changed
