"""A kiosk killed with SIGKILL at each step of a card sale loses neither money nor seats.

After ``reconcile`` every captured charge has exactly one confirmed booking or
one refund of the whole amount, and every seat is either sold to a confirmed
booking or free."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from booking_support import consistency_problems, sold_seats

from core.bootstrap import open_box_office

WORKER = Path(__file__).with_name("payment_crash_worker.py")
LATER = 60 * 60  # reconcile an hour later: every hold has lapsed, the grace is over


def run_until_killed(showtime_id: str, seats: str, step: str) -> None:
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), showtime_id, seats, step],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline().strip()
        assert line == step, worker.stderr.read() if worker.poll() is not None else line
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    assert worker.returncode == -signal.SIGKILL


def money_problems(fake, office) -> list[str]:
    """Each captured charge must have one confirmed booking or be refunded in full."""
    problems = []
    for intent in fake.intents.values():
        if intent["status"] != "succeeded":
            continue
        booking_id = intent["metadata"]["marquee_key"].split(":")[0]
        booking = office.store.bookings.get(booking_id)
        refunded = fake.refunded(intent["id"])
        if booking.state == "confirmed" and booking.paid == intent["amount"] and not refunded:
            continue
        if booking.state == "refunded" and refunded == intent["amount"] and booking.paid == 0:
            continue
        problems.append(f"{intent['id']}: booking {booking.state}, refunded {refunded}")
    return problems


@pytest.fixture
def later(config):
    office = open_box_office(config, clock=lambda: time.time() + LATER)
    yield office
    office.close()


@pytest.mark.parametrize(
    ("step", "after"),
    [("held", set()), ("charged", {"confirmed"}), ("confirmed", {"confirmed"})],
)
def test_a_kill_at_each_step_is_settled_by_reconcile(
    fake_stripe, office, hall, later, admin, step, after
):
    run_until_killed(hall.showtime_id, "B1,B2", step)
    later.aftersales.reconcile(admin)
    states = {b.state for b in later.store.bookings.find({})}
    assert states == after
    assert money_problems(fake_stripe, later) == []
    assert consistency_problems(later, hall.showtime_id) == []
    # No seat is stuck: whatever is not sold can be held again at once.
    kiosk = admin
    basket = later.booking.new_basket(kiosk, hall.showtime_id)
    free = [s for s in ("B1", "B2") if s not in sold_seats(later, hall.showtime_id)]
    later.booking.hold(kiosk, basket, free)
    assert later.aftersales.reconcile(admin) == []  # a second run changes nothing


def test_a_charge_whose_seats_were_sold_meanwhile_is_refunded(
    fake_stripe, office, hall, later, admin
):
    run_until_killed(hall.showtime_id, "B3,B4", "charged")
    rival = later.booking.new_basket(admin, hall.showtime_id)
    later.booking.hold(admin, rival, ["B4"])
    later.booking.checkout(admin, rival, "simulated")
    [outcome] = later.aftersales.reconcile(admin)
    assert outcome.after == "refunded"
    assert money_problems(fake_stripe, later) == []
    assert consistency_problems(later, hall.showtime_id) == []
    assert sorted(sold_seats(later, hall.showtime_id)) == ["B4"]
