"""The simulated provider's ledger: what a real acquirer would remember."""

from __future__ import annotations

import contextlib

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


class SimulatedLedgerRepository:
    def __init__(self, database: Database) -> None:
        self._entries = database["simulated_payments"]

    def record(self, key: str, entry: dict) -> dict:
        with contextlib.suppress(DuplicateKeyError):  # a retry: the first answer stands
            self._entries.insert_one({"_id": key, **entry})
        return self._entries.find_one({"_id": key})

    def get(self, key: str) -> dict | None:
        return self._entries.find_one({"_id": key})

    def refunded(self, payment_ref: str) -> int:
        entries = self._entries.find({"kind": "refund", "payment": payment_ref}, {"amount": 1})
        return sum(entry["amount"] for entry in entries)
