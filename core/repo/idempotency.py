"""Answers the box-office server already gave, by (caller, Idempotency-Key).

A retried request finds its first answer here instead of running again. The first
request claims the key with a unique insert (a second, concurrent one finds it taken
and still pending); the answer is written over the claim once it is known. A TTL
index drops records a day after they were claimed. A claim left unanswered (its
server stopped or crashed mid-request) may be taken over by a retry once it is
older than the caller's lease.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "idempotency"
KEPT_FOR = dt.timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    fingerprint: str  # what was asked: a retry must ask the same
    status: int | None  # None while the first request is still running
    body: bytes


def record_id(subject: str, key: str) -> str:
    return hashlib.sha256(f"{subject}\x00{key}".encode()).hexdigest()


class IdempotencyRepository:
    def __init__(self, database: Database) -> None:
        self.collection = database[COLLECTION]

    def claim(self, subject: str, key: str, fingerprint: str, now: dt.datetime) -> bool:
        """Whether this request is the first with the key (and so must run)."""
        try:
            self.collection.insert_one(
                {
                    "_id": record_id(subject, key),
                    "fingerprint": fingerprint,
                    "status": None,
                    "body": b"",
                    "claimed_at": now,
                    "expires_at": now + KEPT_FOR,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    def take_over(self, subject: str, key: str, now: dt.datetime, before: dt.datetime) -> bool:
        """Claim again a request left unanswered since before ``before``; whether we did."""
        result = self.collection.update_one(
            {"_id": record_id(subject, key), "status": None, "claimed_at": {"$lt": before}},
            {"$set": {"claimed_at": now}},
        )
        return result.modified_count == 1

    def get(self, subject: str, key: str) -> StoredAnswer | None:
        found = self.collection.find_one({"_id": record_id(subject, key)})
        if found is None:
            return None
        return StoredAnswer(found["fingerprint"], found["status"], bytes(found["body"]))

    def answer(self, subject: str, key: str, status: int, body: bytes) -> None:
        self.collection.update_one(
            {"_id": record_id(subject, key)}, {"$set": {"status": status, "body": body}}
        )

    def release(self, subject: str, key: str) -> None:
        """Forget a claim whose request failed for a reason a retry may not meet again."""
        self.collection.delete_one({"_id": record_id(subject, key), "status": None})
