"""Accounts, and the counting of failed sign-ins done in the database (many kiosks at once)."""

from __future__ import annotations

from pymongo import ReturnDocument

from core.accounts import STAFF_ROLES, User
from core.repo.documents import DocumentRepository


class UserRepository(DocumentRepository[User]):
    collection_name, model, kind = "users", User, "user"
    default_sort = [("login", 1)]

    def staff(self) -> list[User]:
        """Every staff account (not customers), enabled or not."""
        return self.find({"role": {"$in": list(STAFF_ROLES)}})

    def has_staff(self) -> bool:
        return self.exists({"role": {"$in": list(STAFF_ROLES)}})

    def enabled_admins(self) -> int:
        return self.count({"role": "admin", "disabled": False})

    def by_login(self, login: str) -> User | None:
        document = self.collection.find_one({"login": login})
        return None if document is None else User.from_document(document)

    def count_failure(self, user_id: str, now: float, limit: int, lock_for_s: float) -> None:
        """One more failed sign-in; the ``limit``-th in a row locks the account."""
        document = self.collection.find_one_and_update(
            {"_id": user_id},
            {"$inc": {"failed_signins": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if document is not None and document["failed_signins"] >= limit:
            self.collection.update_one(
                {"_id": user_id},
                {"$set": {"failed_signins": 0, "locked_until": now + lock_for_s}},
            )

    def clear_failures(self, user_id: str) -> None:
        self.collection.update_one(
            {"_id": user_id}, {"$set": {"failed_signins": 0, "locked_until": None}}
        )

    def update_fields(self, user_id: str, **fields) -> None:
        self.collection.update_one({"_id": user_id}, {"$set": fields})

    def end_sessions(self, user_id: str, **fields) -> None:
        """Change the account and make every session issued so far invalid."""
        self.collection.update_one(
            {"_id": user_id}, {"$set": fields, "$inc": {"session_version": 1}}
        )
