"""A repository of one kind of validated document in one collection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from core.errors import AlreadyExists, NotFound
from core.models import Document

Sort = list[tuple[str, int]]
ModelT = TypeVar("ModelT", bound=Document)


class DocumentRepository(Generic[ModelT]):
    collection_name: str
    model: type[ModelT]
    kind: str  # how errors name one document: "movie", "theater" ...
    default_sort: Sort = [("_id", ASCENDING)]

    def __init__(self, database: Database) -> None:
        self.collection: Collection = database[self.collection_name]

    def get(self, record_id: str) -> ModelT:
        document = self.collection.find_one({"_id": record_id})
        if document is None:
            raise NotFound(self.kind, record_id)
        return self.load(document)

    def find(
        self, query: Mapping[str, Any] | None = None, sort: Sort | None = None
    ) -> list[ModelT]:
        cursor = self.collection.find(dict(query or {})).sort(sort or self.default_sort)
        return [self.load(document) for document in cursor]

    def by_ids(self, ids: Iterable[str]) -> dict[str, ModelT]:
        """The records with these ids that exist, by id."""
        wanted = sorted(set(ids))
        if not wanted:  # the embedded server answers an empty $in by reading everything
            return {}
        return {record.id: record for record in self.find({"_id": {"$in": wanted}})}

    def find_any(
        self, queries: Iterable[Mapping[str, Any]], sort: Sort | None = None
    ) -> list[ModelT]:
        """Records matching any of ``queries``, each once, in order.

        What an ``$or`` means, asked as one plain query per branch and then by
        ``_id``: the embedded server answers an ``$or`` by reading every document."""
        ids = {
            document["_id"]
            for query in queries
            for document in self.collection.find(dict(query), projection={"_id": 1})
        }
        return self.find({"_id": {"$in": sorted(ids)}}, sort) if ids else []

    def load(self, document: dict[str, Any]) -> ModelT:
        """The record a stored document holds."""
        return self.model.from_document(document)

    def dump(self, record: ModelT) -> dict[str, Any]:
        """The document that stores a record."""
        return record.to_document()

    def exists(self, query: Mapping[str, Any]) -> bool:
        return self.collection.find_one(dict(query), projection={"_id": 1}) is not None

    def count(self, query: Mapping[str, Any]) -> int:
        return self.collection.count_documents(dict(query))

    def insert(self, record: ModelT) -> ModelT:
        try:
            self.collection.insert_one(self.dump(record))
        except DuplicateKeyError:
            raise AlreadyExists(self.kind, record.id) from None
        return record

    def insert_many(self, records: Iterable[ModelT]) -> None:
        documents = [self.dump(record) for record in records]
        if documents:
            self.collection.insert_many(documents, ordered=True)

    def replace(self, record: ModelT) -> ModelT:
        result = self.collection.replace_one({"_id": record.id}, self.dump(record))
        if result.matched_count == 0:
            raise NotFound(self.kind, record.id)
        return record

    def delete(self, record_id: str) -> None:
        if self.collection.delete_one({"_id": record_id}).deleted_count == 0:
            raise NotFound(self.kind, record_id)

    def free_id(self, wanted: str) -> str:
        """``wanted`` if unused, else ``wanted-2``, ``wanted-3`` ..."""
        candidate, suffix = wanted, 2
        while self.exists({"_id": candidate}):
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        return candidate
