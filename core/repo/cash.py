"""Cash drawer shifts.

At most one open shift per drawer and per staff member is kept by the unique
indexes on ``drawer_lock`` and ``staff_lock`` (see ``CashShift``): two people
opening the same drawer at once both insert, and the database refuses one.
"""

from __future__ import annotations

import datetime as dt

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from core.errors import StaleShift
from core.models import CashShift
from core.repo.documents import DocumentRepository
from core.repo.filters import all_of


def drawer_lock(theater_id: str, drawer: str) -> str:
    return f"{theater_id}:{drawer}"


def closed_lock(shift_id: str) -> str:
    return f"closed:{shift_id}"


class CashShiftRepository(DocumentRepository[CashShift]):
    collection_name, model, kind = "cash_shifts", CashShift, "cash drawer shift"
    default_sort = [("opened_at", DESCENDING)]

    def insert_open(self, shift: CashShift) -> CashShift | None:
        """Insert an open shift; None if done, else the open shift in the way.

        The one in the way is on the same drawer, or is the same person's. If it
        closed between the refusal and the look-up, the insert is tried again."""
        for _ in range(5):
            try:
                self.collection.insert_one(shift.to_document())
                return None
            except DuplicateKeyError:
                for lock in ("drawer_lock", "staff_lock"):
                    document = self.collection.find_one({lock: getattr(shift, lock)})
                    if document is not None:
                        return CashShift.from_document(document)
        raise RuntimeError("could not open the shift: the drawer keeps changing hands")

    def open_of(self, staff: str) -> CashShift | None:
        document = self.collection.find_one({"staff_lock": staff})
        return None if document is None else CashShift.from_document(document)

    def latest_of(self, staff: str) -> CashShift | None:
        found = self.collection.find({"staff": staff}).sort(self.default_sort).limit(1)
        return next((CashShift.from_document(document) for document in found), None)

    def opened_between(
        self, start: dt.datetime, end: dt.datetime, theater_id: str | None = None
    ) -> list[CashShift]:
        clauses: list[dict] = [{"opened_at": {"$gte": start}}, {"opened_at": {"$lt": end}}]
        if theater_id:
            clauses.append({"theater_id": theater_id})
        return self.find(all_of(*clauses))

    def save(self, shift: CashShift) -> CashShift:
        """Write a changed shift if nobody else changed it since it was read."""
        saved = shift.model_copy(update={"version": shift.version + 1})
        result = self.collection.replace_one(
            {"$and": [{"_id": shift.id}, {"version": shift.version}]}, saved.to_document()
        )
        if result.matched_count != 1:
            raise StaleShift(shift.id)
        return saved


SHIFT_FIGURES = ("sales", "sales_count", "change_given", "refunds", "refunds_count", "drops")


class ShiftFigures:
    """The sums of cash drawer shifts, by aggregation pipelines: the cash movements
    recorded on bookings against each shift, and the drops recorded on each shift.

    Shaped for the embedded server as well as MongoDB, whose SQL translation runs
    these shapes (others fall back to Python, or worse): several ids are an ``$or``
    before an ``$unwind``, never an ``$in``; a ``$match`` of several fields spells
    out its ``$and``; and a ``$group`` is by one plain field with plain ``$sum``s,
    so payments and refunds are summed by a pipeline each, not by ``$cond``s or a
    compound ``_id`` (which it groups wrongly)."""

    def __init__(self, database: Database) -> None:
        self._bookings = database["bookings"]
        self._shifts = database[CashShiftRepository.collection_name]

    def of(self, shift_ids: list[str]) -> dict[str, dict[str, int]]:
        """Each shift's figures (SHIFT_FIGURES), zero where nothing was recorded."""
        figures = {shift_id: dict.fromkeys(SHIFT_FIGURES, 0) for shift_id in shift_ids}
        if not shift_ids:
            return figures
        for row in self._bookings.aggregate(_movements_pipeline(shift_ids, "payment")):
            figures[row["_id"]].update(
                sales=row["amount"], sales_count=row["count"], change_given=row["change"]
            )
        for row in self._bookings.aggregate(_movements_pipeline(shift_ids, "refund")):
            figures[row["_id"]].update(refunds=row["amount"], refunds_count=row["count"])
        for row in self._shifts.aggregate(_drops_pipeline(shift_ids)):
            figures[row["_id"]]["drops"] = row["drops"]
        return figures


def _one_of(field: str, values: list[str]) -> dict:
    if len(values) == 1:
        return {field: values[0]}
    return {"$or": [{field: value} for value in values]}


def _movements_pipeline(shift_ids: list[str], kind: str) -> list[dict]:
    """Per shift: the amount, change given and number of its succeeded ``kind`` movements."""
    return [
        {"$match": _one_of("payments.shift_id", shift_ids)},
        {"$unwind": "$payments"},
        {
            "$match": {
                "$and": [
                    {"payments.kind": kind},
                    {"payments.state": "succeeded"},
                    _one_of("payments.shift_id", shift_ids),
                ]
            }
        },
        {
            "$group": {
                "_id": "$payments.shift_id",
                "amount": {"$sum": "$payments.amount"},
                "change": {"$sum": "$payments.change_due"},
                "count": {"$sum": 1},
            }
        },
    ]


def _drops_pipeline(shift_ids: list[str]) -> list[dict]:
    """Per shift with drops: their sum."""
    return [
        {"$match": _one_of("_id", shift_ids)},
        {"$unwind": "$drops"},
        {"$group": {"_id": "$_id", "drops": {"$sum": "$drops.amount"}}},
    ]
