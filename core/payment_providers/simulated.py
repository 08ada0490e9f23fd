"""A simulated card provider for the demo and tests. No real money moves.

It behaves like a real acquirer where it matters: it remembers every payment
under its idempotency key (in the database, so a restarted process finds it),
it declines Stripe's well-known test card numbers, and it refunds at most what
was paid.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.payment_providers.provider import PaymentRequest, PaymentResult, Problem, RefundResult
from core.private import keep_private, private_file

APPROVED_CARD = "4242424242424242"
DECLINES = {
    "4000000000000002": "the card was declined",
    "4000000000009995": "the card has insufficient funds",
    "4000000000000069": "the card has expired",
    "4000000000000127": "the security code is incorrect",
}


class SimulatedLedger:
    """The simulated acquirer's own books: a SQLite file beside Marquee's data.

    It stands for the provider's side, which Marquee's database does not hold,
    so a restarted process can ask it what happened under a key.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # SQLite gives its -wal and -shm files the mode of the ledger's file: 0600.
        private_file(path)
        for companion in ("-wal", "-shm"):
            keep_private(path.with_name(path.name + companion))
        self._path = str(path)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One connection per process, opened on first use and shared under a lock."""
        with self._lock:
            if self._db is None:
                self._db = self._open()
            yield self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
        # Switching to WAL needs a moment alone with the file and does not wait for
        # it, so several kiosks opening the ledger at once retry for a while.
        for attempt in range(100):
            try:
                db.execute("PRAGMA journal_mode=WAL")  # many kiosks write at once
                break
            except sqlite3.OperationalError:
                if attempt == 99:
                    raise
                time.sleep(0.05)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry TEXT)")
        return db

    def record(self, key: str, entry: dict) -> dict:
        """Store ``entry`` under ``key`` unless one is there; return the stored one."""
        with self._connection() as db:
            db.execute("INSERT OR IGNORE INTO entries VALUES (?, ?)", (key, json.dumps(entry)))
        stored = self.get(key)
        assert stored is not None  # written just now, or before
        return stored

    def get(self, key: str) -> dict | None:
        with self._connection() as db:
            row = db.execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def entries(self) -> dict[str, dict]:
        """Every entry by key: what the acquirer's statement would show."""
        with self._connection() as db:
            rows = db.execute("SELECT key, entry FROM entries ORDER BY key").fetchall()
        return {key: json.loads(entry) for key, entry in rows}

    def refunded(self, payment_ref: str) -> int:
        with self._connection() as db:
            rows = db.execute("SELECT entry FROM entries WHERE key LIKE 'refund:%'").fetchall()
        entries = [json.loads(row[0]) for row in rows]
        return sum(e["amount"] for e in entries if e.get("payment") == payment_ref)


class SimulatedProvider:
    name = "simulated"
    label = "Card (SIMULATED - no real money)"
    counter_label = "Test card (no money moves)"
    counter_only = False
    test_only = True  # at the counter: only in test mode (the demo, or tests)

    def __init__(self, ledger: SimulatedLedger, *, decline_all: bool = False) -> None:
        self._ledger = ledger
        self.decline_all = decline_all

    def start(self, request: PaymentRequest) -> PaymentResult:
        card = request.card or APPROVED_CARD
        failure = DECLINES.get(card, "")
        if self.decline_all:
            failure = "the card was declined"
        entry = {
            "kind": "payment",
            "state": "failed" if failure else "succeeded",
            "amount": request.amount,
            "currency": request.currency,
            "reference": request.reference,
            "failure": failure,
        }
        stored = self._ledger.record(f"pay:{request.idempotency_key}", entry)
        return self._result(request.idempotency_key, stored)

    def status(self, result: PaymentResult) -> PaymentResult:
        return result

    def cancel(self, result: PaymentResult) -> PaymentResult:
        return result

    def ledger_entries(self) -> dict[str, dict]:
        """The acquirer's books by key (``pay:...`` and ``refund:...``), for checking sums."""
        return self._ledger.entries()

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        paid = self._ledger.get(provider_ref)
        ref = f"refund:{idempotency_key}"
        if paid is None or paid["state"] != "succeeded":
            return RefundResult(self.name, "failed", amount, ref, "no such payment to refund")
        if (
            self._ledger.get(ref) is None
            and self._ledger.refunded(provider_ref) + amount > paid["amount"]
        ):
            return RefundResult(self.name, "failed", amount, ref, "refund exceeds the payment")
        stored = self._ledger.record(
            ref, {"kind": "refund", "payment": provider_ref, "amount": amount, "state": "succeeded"}
        )
        return RefundResult(self.name, "succeeded", stored["amount"], ref)

    def find(self, idempotency_key: str) -> PaymentResult | None:
        stored = self._ledger.get(f"pay:{idempotency_key}")
        return None if stored is None else self._result(idempotency_key, stored)

    def _result(self, key: str, stored: dict) -> PaymentResult:
        state, failure = stored["state"], stored["failure"]
        problem: Problem = "declined" if state == "failed" else ""  # the only way it fails
        return PaymentResult(
            self.name, state, stored["amount"], f"pay:{key}", failure=failure, problem=problem
        )
