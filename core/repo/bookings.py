"""Bookings and promo codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from core.errors import NotFound, StaleBooking
from core.ids import readable_code
from core.models import Booking, Promo
from core.repo.documents import DocumentRepository
from core.repo.reports import SalesLineRepository, has_sales_line

LINE_DUE = "line_due"  # the booking's sales line is still to be (re)written


class BookingRepository(DocumentRepository[Booking]):
    """Bookings, and the sales lines the reports read, which are derived from them.

    A write of a booking that took money marks it ``line_due`` in the same
    document, and the reports write the marked bookings' lines before they
    read (:meth:`catch_up_sales_lines`). So a sale costs no second write, and a
    crash can never leave a booking without its line."""

    collection_name, model, kind = "bookings", Booking, "booking"
    default_sort = [("created_at", DESCENDING)]

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.sales_lines = SalesLineRepository(database)

    def load(self, document: dict) -> Booking:
        return Booking.from_document({k: v for k, v in document.items() if k != LINE_DUE})

    def dump(self, record: Booking) -> dict:
        document = record.to_document()
        if has_sales_line(record):
            document[LINE_DUE] = True
        return document

    def insert_many(self, records: Iterable[Booking]) -> None:
        """Bookings with their lines written at once, so none is due (imports, benchmarks)."""
        records = list(records)
        if records:
            self.collection.insert_many([r.to_document() for r in records], ordered=True)
        self.sales_lines.insert_new(records)

    def by_reference(self, reference: str) -> Booking:
        document = self.collection.find_one({"reference": reference.strip().upper()})
        if document is None:
            raise NotFound("booking", reference)
        return self.load(document)

    def insert_unique_reference(self, booking: Booking, alphabet: str) -> Booking:
        """Insert, drawing a new reference in the rare case the random one is taken."""
        for _ in range(20):
            try:
                self.collection.insert_one(self.dump(booking))
                return booking
            except DuplicateKeyError as error:
                if "reference" not in str(error):
                    raise
                booking = booking.model_copy(update={"reference": readable_code(6, alphabet)})
        raise RuntimeError("could not draw a free booking reference")

    def save(self, booking: Booking) -> Booking:
        """Write a changed booking if nobody else changed it since it was read."""
        saved = booking.model_copy(update={"version": booking.version + 1})
        result = self.collection.replace_one(
            {"$and": [{"_id": booking.id}, {"version": booking.version}]}, self.dump(saved)
        )
        if result.matched_count != 1:
            raise StaleBooking(booking.id)
        return saved

    def search(
        self,
        *,
        showtime_id: str | None = None,
        state: str | None = None,
        contact: str | None = None,
    ) -> list[Booking]:
        """Bookings of a showtime and/or in a state, and/or with this email or phone."""
        wanted = {"showtime_id": showtime_id, "state": state}
        query = {field: value for field, value in wanted.items() if value}
        if not contact:
            return self.find(query)
        by_field = {"contact.email": contact.lower(), "contact.phone": contact}
        return self.find_any(query | {k: v} for k, v in by_field.items())

    def count_in_state(self, state: str) -> int:
        return self.count({"state": state})

    def of_hold(self, hold_id: str) -> list[Booking]:
        """The bookings started from one hold (a sale and its retries), newest first."""
        return self.find({"hold_id": hold_id}, sort=[("created_at", DESCENDING)])

    def of_customer(self, customer_id: str) -> list[Booking]:
        return self.find({"customer_id": customer_id}, sort=[("created_at", DESCENDING)])

    def anonymise(self, customer_id: str) -> list[str]:
        """Cut bookings loose from a deleted customer: no link, no contact details."""
        ids = [b.id for b in self.of_customer(customer_id)]
        if ids:
            self.collection.update_many(
                {"customer_id": customer_id},
                {"$set": {"customer_id": None, "contact": {}}, "$inc": {"version": 1}},
            )
        return ids

    def catch_up_sales_lines(self, batch: int = 500) -> int:
        """Write the lines of the bookings marked ``line_due``, then clear each mark
        unless the booking changed meanwhile (its new version keeps the mark)."""
        written = 0
        while True:
            found = [self.load(d) for d in self.collection.find({LINE_DUE: True}).limit(batch)]
            if not found:
                return written
            written += self.sales_lines.rewrite(found)
            cleared = self.collection.bulk_write(
                [
                    UpdateOne(
                        {"$and": [{"_id": b.id}, {"version": b.version}]},
                        {"$unset": {LINE_DUE: ""}},
                    )
                    for b in found
                ],
                ordered=False,
            ).modified_count
            if cleared == 0:  # every one changed again meanwhile: the next report catches up
                return written

    def rebuild_sales_lines(self, batch: int = 1000) -> int:
        """Write every booking's sales line again; returns how many bookings have one.

        In the order the bookings were made, so that missing lines are appended in
        about the order of their days, as lines written at the time of sale are."""
        written, chunk = 0, []
        for document in self.collection.find({}).sort([("created_at", ASCENDING), ("_id", 1)]):
            chunk.append(self.load(document))
            if len(chunk) == batch:
                written += self.sales_lines.rewrite(chunk)
                chunk = []
        return written + self.sales_lines.rewrite(chunk)

    def confirmed_since(self, since: dt.datetime) -> list[Booking]:
        """Confirmed bookings created at or after ``since``."""
        return self.find({"state": "confirmed", "created_at": {"$gte": since}})

    def confirmed_for(self, showtime_ids: Iterable[str]) -> list[Booking]:
        """Confirmed bookings of any of these showtimes."""
        wanted = sorted(set(showtime_ids))
        if not wanted:  # the embedded server answers an empty $in by reading everything
            return []
        return self.find({"showtime_id": {"$in": wanted}, "state": "confirmed"})

    def unsettled(self, before: dt.datetime) -> list[Booking]:
        """Bookings whose payment started at or before ``before`` and never settled."""
        # One plain filter, not an $and: the embedded server scans every booking for that.
        return self.find(
            {"state": "pending_payment", "created_at": {"$lte": before}},
            sort=[("created_at", ASCENDING)],
        )


class PromoRepository(DocumentRepository[Promo]):
    collection_name, model, kind = "promos", Promo, "promo code"
    default_sort = [("code", ASCENDING)]

    def take_use(self, promo_id: str) -> bool:
        """Count one use if the limit allows; atomic, so a limit is never overrun."""
        promo = self.get(promo_id)
        condition: dict[str, Any]
        if promo.max_uses is None:
            condition = {"_id": promo_id}
        else:
            condition = {"$and": [{"_id": promo_id}, {"uses": {"$lt": promo.max_uses}}]}
        return self.collection.update_one(condition, {"$inc": {"uses": 1}}).modified_count == 1

    def give_back_use(self, promo_id: str) -> None:
        self.collection.update_one(
            {"$and": [{"_id": promo_id}, {"uses": {"$gt": 0}}]}, {"$inc": {"uses": -1}}
        )
