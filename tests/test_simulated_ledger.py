"""The simulated acquirer's ledger: many kiosk processes opening it at once all succeed."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from core.payments.simulated import SimulatedLedger


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
