"""Cash drawer shifts.

At most one open shift per drawer and per staff member is kept by the unique
indexes on ``drawer_lock`` and ``staff_lock`` (see ``CashShift``): two people
opening the same drawer at once both insert, and the database refuses one.
"""

from __future__ import annotations

import datetime as dt

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from core.models import CashShift
from core.repo.documents import DocumentRepository


class StaleShift(Exception):
    """The shift changed since it was read; read it again and retry."""


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
        return self.find({"$and": clauses})

    def save(self, shift: CashShift) -> CashShift:
        """Write a changed shift if nobody else changed it since it was read."""
        saved = shift.model_copy(update={"version": shift.version + 1})
        result = self.collection.replace_one(
            {"$and": [{"_id": shift.id}, {"version": shift.version}]}, saved.to_document()
        )
        if result.matched_count != 1:
            raise StaleShift(shift.id)
        return saved
