"""Sessions of signed-in people, and failed sign-ins counted per client address.

Both live in the database so that every server process of a box office sees the
same: a session ended by one is refused by all, and a client's failures add up
whichever process it reached."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.accounts import SignInSession
from core.clock import utc_at
from core.repo.documents import DocumentRepository


class SessionRepository(DocumentRepository[SignInSession]):
    collection_name, model, kind = "sessions", SignInSession, "session"

    def find_one(self, session_id: str) -> SignInSession | None:
        document = self.collection.find_one({"_id": session_id})
        return None if document is None else self.load(document)

    def revoke(self, session_id: str, now: float, why: str) -> bool:
        """End one session if it is still in use; whether this call ended it (so two
        renewals of one token cannot both succeed)."""
        result = self.collection.update_one(
            {"_id": session_id, "revoked_at": None},
            {"$set": {"revoked_at": now, "ended": why}},
        )
        return result.modified_count == 1

    def revoke_of_user(self, user_id: str, now: float, why: str) -> int:
        result = self.collection.update_many(
            {"user_id": user_id, "revoked_at": None},
            {"$set": {"revoked_at": now, "ended": why}},
        )
        return result.modified_count

    def revoke_of_device(self, device_id: str, now: float, why: str) -> int:
        result = self.collection.update_many(
            {"device_id": device_id, "revoked_at": None},
            {"$set": {"revoked_at": now, "ended": why}},
        )
        return result.modified_count


class SignInFailureRepository:
    """Failed sign-ins per client address in fixed windows: one document per address
    and window, dropped by a TTL index when the window is over."""

    collection_name = "signin_failures"

    def __init__(self, database) -> None:
        self.collection = database[self.collection_name]

    @staticmethod
    def _key(client: str, window_start: float) -> str:
        return f"{int(window_start)}|{client}"

    def failures(self, client: str, window_start: float) -> int:
        document = self.collection.find_one({"_id": self._key(client, window_start)})
        return 0 if document is None else int(document["count"])

    def count_failure(self, client: str, window_start: float, window_end: float) -> int:
        """One more failure in the window; the count now. Two processes counting the
        first failure at once: one inserts, the other adds to it."""
        key = self._key(client, window_start)
        for _ in range(2):
            document = self.collection.find_one_and_update(
                {"_id": key}, {"$inc": {"count": 1}}, return_document=ReturnDocument.AFTER
            )
            if document is not None:
                return int(document["count"])
            try:
                self.collection.insert_one(
                    {
                        "_id": key,
                        "client": client,
                        "count": 1,
                        "expires_at": utc_at(window_end),
                    }
                )
                return 1
            except DuplicateKeyError:
                continue  # another process inserted it first: add to theirs
        return self.failures(client, window_start)
