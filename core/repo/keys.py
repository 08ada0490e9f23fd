"""Signing keys: one document per key, numbered per purpose (see core.signing_keys)."""

from __future__ import annotations

import datetime as dt

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from core.repo.documents import DocumentRepository
from core.signing_keys import SigningKey


class SigningKeyRepository(DocumentRepository[SigningKey]):
    collection_name, model, kind = "signing_keys", SigningKey, "signing key"
    default_sort = [("purpose", ASCENDING), ("seq", ASCENDING)]

    def of(self, purpose: str, key_id: str) -> SigningKey | None:
        """The key ``key_id`` if it is one of ``purpose`` (retired or not)."""
        document = self.collection.find_one({"_id": key_id, "purpose": purpose})
        return self.load(document) if document else None

    def current(self, purpose: str) -> SigningKey | None:
        """The newest key of ``purpose`` that signs and is not retired."""
        document = self.collection.find_one(
            {"purpose": purpose, "retired_at": None, "signs": True}, sort=[("seq", DESCENDING)]
        )
        return self.load(document) if document else None

    def legacy(self, purpose: str) -> list[SigningKey]:
        """The keys of ``purpose`` not retired that tokens without a key id may have been
        signed with: the first key, and those imported to verify only."""
        first = self.find({"purpose": purpose, "retired_at": None, "seq": 1})
        return first + self.find({"purpose": purpose, "retired_at": None, "signs": False})

    def numbered(self, purpose: str, seq: int) -> SigningKey | None:
        document = self.collection.find_one({"purpose": purpose, "seq": seq})
        return self.load(document) if document else None

    def last_seq(self, purpose: str) -> int:
        """The number of the newest key of ``purpose``, retired or not; 0 for none."""
        document = self.collection.find_one(
            {"purpose": purpose}, projection={"seq": 1}, sort=[("seq", DESCENDING)]
        )
        return int(document["seq"]) if document else 0

    def add(self, key: SigningKey) -> SigningKey | None:
        """Insert ``key`` if no key of its purpose has its number yet, and return it;
        else return the key that has the number (another process made it first).
        None when only the id was taken (the caller draws another)."""
        try:
            self.collection.insert_one(self.dump(key))
            return key
        except DuplicateKeyError:
            return self.numbered(key.purpose, key.seq)

    def retire(self, key: SigningKey, at: dt.datetime) -> SigningKey:
        """``key`` marked retired, unless it was already (the first retirement stays).

        The whole document is replaced: the embedded server keeps a datetime set by
        ``$set`` as text."""
        retired = key.model_copy(update={"retired_at": at})
        self.collection.replace_one({"_id": key.id, "retired_at": None}, self.dump(retired))
        return self.get(key.id)
