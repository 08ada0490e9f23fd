"""The audit collection: entries are only ever inserted, never changed."""

from __future__ import annotations

import datetime as dt

from pymongo import DESCENDING

from core.audit import AuditEntry
from core.repo.documents import DocumentRepository
from core.repo.filters import all_of


class AuditRepository(DocumentRepository[AuditEntry]):
    collection_name, model, kind = "audit", AuditEntry, "audit entry"
    default_sort = [("at", DESCENDING)]

    def listing(
        self, since: dt.datetime | None, user: str | None, limit: int = 500
    ) -> list[AuditEntry]:
        conditions: list[dict] = []
        if since is not None:
            conditions.append({"at": {"$gte": since}})
        if user:
            conditions.append({"user": user})
        query = all_of(*conditions)
        cursor = self.collection.find(query).sort(self.default_sort).limit(limit)
        return [AuditEntry.from_document(document) for document in cursor]
