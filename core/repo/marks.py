"""Marks on the box office as a whole, one small document each (such as "this is the demo")."""

from __future__ import annotations

import contextlib
import datetime as dt

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

DEMO_MARK = "demo"  # this box office is the demo (its data and accounts are public)


class MarkRepository:
    def __init__(self, database: Database) -> None:
        self.collection = database["marks"]

    def has(self, name: str) -> bool:
        return self.collection.find_one({"_id": name}, projection={"_id": 1}) is not None

    def put(self, name: str, at: dt.datetime) -> None:
        """Set the mark; the first one set stays (two processes may set it at once)."""
        with contextlib.suppress(DuplicateKeyError):
            self.collection.insert_one({"_id": name, "at": at})
