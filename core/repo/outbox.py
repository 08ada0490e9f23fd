"""The outbox: messages to customers, inserted once per id and claimed under a lease.

Claiming is one conditional ``find_one_and_update``: a message that is due and
queued, or whose sender's lease ran out, becomes ``sending`` with a new lease
holder, so of several workers exactly one takes it. Every later change is
conditional on still holding that lease. Times are epoch seconds (see
``core.outbox``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.outbox import OutboxMessage
from core.repo.documents import DocumentRepository


class OutboxRepository(DocumentRepository[OutboxMessage]):
    collection_name, model, kind = "outbox", OutboxMessage, "message"
    default_sort = [("due_at", ASCENDING), ("_id", ASCENDING)]

    def add(self, message: OutboxMessage) -> bool:
        """Insert unless a message with this id exists; whether it was inserted."""
        try:
            self.collection.insert_one(message.to_document())
        except DuplicateKeyError:
            return False
        return True

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        found = self.collection.find({"_id": {"$in": wanted}}, projection={"_id": 1})
        return {document["_id"] for document in found}

    def claim(
        self, channels: Iterable[str], now: float, lease_until: float, holder: str
    ) -> OutboxMessage | None:
        """Take a message of ``channels`` for ``holder``, counting an attempt: one whose
        sender's lease ran out, else the most overdue queued one."""
        channels = sorted(set(channels))
        if not channels:
            return None
        # Abandoned sends first (their lease ran out, so they were due earliest), then
        # the most overdue queued message. Two plain filters, not an $or: the embedded
        # server would read every message ever sent to answer one.
        for waiting in (
            {"state": "sending", "lease_until": {"$lt": now}},
            {"state": "queued", "due_at": {"$lte": now}},
        ):
            document = self.collection.find_one_and_update(
                waiting | {"channel": {"$in": channels}},
                {
                    "$set": {"state": "sending", "lease_until": lease_until, "leased_by": holder},
                    "$inc": {"attempts": 1},
                },
                sort=[("due_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if document:
                break
        return OutboxMessage.from_document(document) if document else None

    def mark_sent(self, message_id: str, holder: str, now: float, provider: str, ref: str) -> bool:
        return self._settle(
            message_id,
            holder,
            {"state": "sent", "sent_at": now, "provider": provider, "provider_ref": ref},
        )

    def retry_later(self, message_id: str, holder: str, due_at: float, error: str) -> bool:
        return self._settle(
            message_id, holder, {"state": "queued", "due_at": due_at, "last_error": error}
        )

    def mark_failed(self, message_id: str, holder: str, error: str) -> bool:
        return self._settle(message_id, holder, {"state": "failed", "last_error": error})

    def _settle(self, message_id: str, holder: str, changes: dict[str, Any]) -> bool:
        """Apply ``changes`` and end the lease, if ``holder`` still holds it."""
        held = {"$and": [{"_id": message_id}, {"state": "sending"}, {"leased_by": holder}]}
        result = self.collection.update_one(
            held, {"$set": {**changes, "lease_until": None, "leased_by": ""}}
        )
        return result.modified_count == 1

    def requeue(self, message_ids: Iterable[str], now: float) -> int:
        """Put failed messages back in the queue, due now with a fresh count of attempts."""
        ids = sorted(set(message_ids))
        if not ids:
            return 0
        result = self.collection.update_many(
            {"$and": [{"_id": {"$in": ids}}, {"state": "failed"}]},
            {"$set": {"state": "queued", "due_at": now, "attempts": 0}},
        )
        return result.modified_count

    def listing(
        self, state: str | None, theater_ids: Iterable[str] | None, limit: int
    ) -> list[OutboxMessage]:
        """Messages newest first, optionally of one state and some theaters."""
        clauses: list[dict[str, Any]] = []
        if state:
            clauses.append({"state": state})
        if theater_ids is not None:
            clauses.append({"theater_id": {"$in": sorted(theater_ids)}})
        cursor = (
            self.collection.find({"$and": clauses} if clauses else {})
            .sort([("created_at", DESCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [OutboxMessage.from_document(document) for document in cursor]

    def for_booking(self, booking_id: str) -> list[OutboxMessage]:
        return self.find({"booking_id": booking_id}, sort=[("created_at", ASCENDING)])

    def count_queued(self, channels: Iterable[str]) -> int:
        return self.collection.count_documents(
            {"$and": [{"channel": {"$in": sorted(set(channels))}}, {"state": "queued"}]}
        )

    def count_failed(self) -> int:
        return self.collection.count_documents({"state": "failed"})

    def count_overdue(self, due_before: float) -> int:
        """Queued messages that were due before ``due_before`` and are still not sent."""
        return self.collection.count_documents({"state": "queued", "due_at": {"$lt": due_before}})

    def forget_bookings(self, booking_ids: list[str]) -> int:
        """Remove every message about these bookings (a customer deleted their account)."""
        if not booking_ids:
            return 0
        return self.collection.delete_many({"booking_id": {"$in": booking_ids}}).deleted_count
