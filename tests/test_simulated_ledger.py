"""The simulated acquirer's ledger: many kiosk processes opening it at once all succeed, and
the provider shows its books through a public read."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from core.payment_providers.provider import PaymentRequest
from core.payment_providers.simulated import SimulatedLedger, SimulatedProvider


def record_once(index: int, path: str, start) -> None:
    start.wait()
    SimulatedLedger(Path(path)).record(f"pay:{index}", {"amount": index})


def test_processes_opening_a_new_ledger_together_all_record(tmp_path):
    context = mp.get_context("fork")
    for trial in range(4):
        path = str(tmp_path / f"ledger-{trial}.sqlite")
        start = context.Event()
        workers = [context.Process(target=record_once, args=(i, path, start)) for i in range(12)]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=60)
        assert [w.exitcode for w in workers] == [0] * 12
        ledger = SimulatedLedger(Path(path))
        assert all(ledger.get(f"pay:{i}") == {"amount": i} for i in range(12))


def test_the_provider_shows_every_payment_and_refund_in_its_books(tmp_path):
    card = SimulatedProvider(SimulatedLedger(tmp_path / "ledger.sqlite"))
    paid = card.start(PaymentRequest("bk:pay:1", 1800, "EUR", "ABC123"))
    card.refund(paid.provider_ref, 600, "bk:1")
    card.start(PaymentRequest("bk:pay:2", 900, "EUR", "ABC123", card="4000000000000002"))

    books = SimulatedProvider(SimulatedLedger(tmp_path / "ledger.sqlite")).ledger_entries()
    assert {key: (e["kind"], e["amount"], e["state"]) for key, e in books.items()} == {
        "pay:bk:pay:1": ("payment", 1800, "succeeded"),
        "pay:bk:pay:2": ("payment", 900, "failed"),
        "refund:bk:1": ("refund", 600, "succeeded"),
    }
    assert books["refund:bk:1"]["payment"] == paid.provider_ref
