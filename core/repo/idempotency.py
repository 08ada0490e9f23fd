"""Answers the box-office server already gave, by (caller, Idempotency-Key).

A retried request finds its first answer here instead of running again. The first
request claims the key with a unique insert (a second, concurrent one finds it taken
and still pending); the answer is written over the claim once it is known. A TTL
index drops records a day after they were claimed. A claim left unanswered (its
server stopped or crashed mid-request) may be taken over by a retry once it is
older than the caller's lease, or at once when the server that claimed it stopped
beating: each running server notes in ``server_beats`` every few seconds that it
is alive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def moment(stored: dt.datetime | str) -> dt.datetime:
    """A moment as stored: the embedded engine answers one set by an update as naive
    ISO text in UTC."""
    value = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


COLLECTION = "idempotency"
BEATS = "server_beats"
KEPT_FOR = dt.timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    fingerprint: str  # what was asked: a retry must ask the same
    status: int | None  # None while the first request is still running
    body: bytes
    claimed_by: str = ""  # the server running it ("" for one that does not beat)
    claimed_at: dt.datetime | None = None
    claim: str = ""  # this claim's own token: a take-over replaces it


def record_id(subject: str, key: str) -> str:
    return hashlib.sha256(f"{subject}\x00{key}".encode()).hexdigest()


class IdempotencyRepository:
    def __init__(self, database: Database) -> None:
        self.collection = database[COLLECTION]
        self.beats = database[BEATS]

    def claim(
        self, subject: str, key: str, fingerprint: str, now: dt.datetime, by: str = ""
    ) -> bool:
        """Whether this request is the first with the key (and so must run)."""
        try:
            self.collection.insert_one(
                {
                    "_id": record_id(subject, key),
                    "fingerprint": fingerprint,
                    "status": None,
                    "body": b"",
                    "claimed_at": now,
                    "claimed_by": by,
                    "claim": secrets.token_hex(8),
                    "expires_at": now + KEPT_FOR,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    def take_over(
        self, subject: str, key: str, stored: StoredAnswer, now: dt.datetime, by: str = ""
    ) -> bool:
        """Claim again the unanswered request ``stored`` as it was read; whether we did
        (another retry may have taken it first)."""
        result = self.collection.update_one(
            {
                "_id": record_id(subject, key),
                "status": None,
                # A claim kept before claims had tokens has none.
                "claim": stored.claim or {"$exists": False},
            },
            {"$set": {"claimed_at": now, "claimed_by": by, "claim": secrets.token_hex(8)}},
        )
        return result.modified_count == 1

    def beat(self, server: str, now: dt.datetime) -> None:
        """Note that ``server`` is alive now."""
        self.beats.update_one(
            {"_id": server},
            {"$set": {"seen_at": now, "expires_at": now + KEPT_FOR}},
            upsert=True,
        )

    def last_beat(self, server: str) -> dt.datetime | None:
        """When ``server`` last said it was alive; None if it never did."""
        found = self.beats.find_one({"_id": server})
        return None if found is None else moment(found["seen_at"])

    def get(self, subject: str, key: str) -> StoredAnswer | None:
        found = self.collection.find_one({"_id": record_id(subject, key)})
        if found is None:
            return None
        return StoredAnswer(
            found["fingerprint"],
            found["status"],
            bytes(found["body"]),
            found.get("claimed_by", ""),
            moment(found["claimed_at"]),
            found.get("claim", ""),
        )

    def answer(self, subject: str, key: str, status: int, body: bytes) -> None:
        self.collection.update_one(
            {"_id": record_id(subject, key)}, {"$set": {"status": status, "body": body}}
        )

    def release(self, subject: str, key: str) -> None:
        """Forget a claim whose request failed for a reason a retry may not meet again."""
        self.collection.delete_one({"_id": record_id(subject, key), "status": None})
