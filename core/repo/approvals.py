"""Refunds waiting for a manager. Deciding is one conditional update, so two
managers pressing at once decide a request once."""

from __future__ import annotations

from pymongo import ASCENDING

from core.approvals import ApprovalRequest
from core.repo.documents import DocumentRepository


class ApprovalRepository(DocumentRepository[ApprovalRequest]):
    collection_name, model, kind = "approvals", ApprovalRequest, "approval request"
    default_sort = [("requested_at", ASCENDING)]

    def waiting(self) -> list[ApprovalRequest]:
        return self.find({"state": "waiting"})

    def decide(self, request_id: str, state: str, by: str, note: str = "") -> bool:
        """Move a waiting request on; False if someone decided it first."""
        result = self.collection.update_one(
            {"$and": [{"_id": request_id}, {"state": "waiting"}]},
            {"$set": {"state": state, "decided_by": by, "note": note}},
        )
        return result.modified_count == 1

    def reopen(self, request_id: str, note: str) -> None:
        self.collection.update_one(
            {"_id": request_id}, {"$set": {"state": "waiting", "decided_by": None, "note": note}}
        )
