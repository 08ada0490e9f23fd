"""Admissions: one document per ticket let in, keyed by the ticket id."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from core.repo.documents import DocumentRepository
from core.tickets import Admission


class AdmissionRepository(DocumentRepository[Admission]):
    collection_name, model, kind = "admissions", Admission, "admission"

    def admit(self, admission: Admission) -> Admission | None:
        """Record ``admission`` and return None, or return the earlier admission of the
        same ticket. Atomic: of many doors inserting at once, exactly one wins."""
        try:
            self.collection.insert_one(admission.to_document())
            return None
        except DuplicateKeyError:
            document = self.collection.find_one({"_id": admission.id})
            return Admission.from_document(document) if document else admission

    def find_one(self, ticket_id: str) -> Admission | None:
        document = self.collection.find_one({"_id": ticket_id})
        return Admission.from_document(document) if document else None

    def count_for_showtime(self, showtime_id: str) -> int:
        return self.collection.count_documents({"showtime_id": showtime_id})
