"""A kiosk killed with SIGKILL at each step of a card sale loses neither money nor seats.

After ``reconcile`` every captured charge has exactly one confirmed booking or
one refund of the whole amount, and every seat is either sold to a confirmed
booking or free."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from booking_support import (
    LAYOUT,
    Clock,
    consistency_problems,
    lose_the_database_after_each_charge,
    make_hall,
    sold_seats,
    tomorrow,
)

from core.bootstrap import open_box_office
from core.config import Config
from core.errors import PaymentFailed, PaymentTakenPendingSettlement
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor

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


def money_problems(fake, box_office) -> list[str]:
    """Each captured charge must have one confirmed booking or be refunded in full."""
    problems = []
    for intent in fake.intents.values():
        if intent["status"] != "succeeded":
            continue
        booking_id = intent["metadata"]["marquee_key"].split(":")[0]
        booking = box_office.store.bookings.get(booking_id)
        refunded = fake.refunded(intent["id"])
        if booking.state == "confirmed" and booking.paid == intent["amount"] and not refunded:
            continue
        if booking.state == "refunded" and refunded == intent["amount"] and booking.paid == 0:
            continue
        problems.append(f"{intent['id']}: booking {booking.state}, refunded {refunded}")
    return problems


@pytest.fixture
def later(config):
    box_office = open_box_office(config, clock=lambda: time.time() + LATER)
    yield box_office
    box_office.close()


@pytest.mark.parametrize(
    ("step", "after"),
    [("held", set()), ("charged", {"confirmed"}), ("confirmed", {"confirmed"})],
)
def test_a_kill_at_each_step_is_settled_by_reconcile(
    fake_stripe, box_office, hall, later, admin, step, after
):
    run_until_killed(hall.showtime_id, "B1,B2", step)
    later.reconcile.run(admin)
    states = {b.state for b in later.store.bookings.find({})}
    assert states == after
    assert money_problems(fake_stripe, later) == []
    assert consistency_problems(later, hall.showtime_id) == []
    # No seat is stuck: whatever is not sold can be held again at once.
    kiosk = admin
    basket = later.booking.new_basket(kiosk, hall.showtime_id)
    free = [s for s in ("B1", "B2") if s not in sold_seats(later, hall.showtime_id)]
    basket = later.booking.hold(kiosk, basket.id, free)
    assert later.reconcile.run(admin) == []  # a second run changes nothing


def test_a_charge_whose_seats_were_sold_meanwhile_is_refunded(
    fake_stripe, box_office, hall, later, admin
):
    run_until_killed(hall.showtime_id, "B3,B4", "charged")
    rival = later.booking.new_basket(admin, hall.showtime_id)
    rival = later.booking.hold(admin, rival.id, ["B4"])
    later.checkout.checkout(admin, rival.id, "simulated")
    [outcome] = later.reconcile.run(admin)
    assert outcome.after == "refunded"
    assert money_problems(fake_stripe, later) == []
    assert consistency_problems(later, hall.showtime_id) == []
    assert sorted(sold_seats(later, hall.showtime_id)) == ["B4"]


# -- the database goes away after the card was charged ------------------------------------------
@pytest.fixture
def own_database(tmp_path, config):
    """A database server of this test's own, which the test may stop and start again."""
    server = EmbeddedServer(tmp_path / "own-db", linger_s=0.5)

    def start() -> Config:
        uri = server.acquire()
        return config.with_overrides(mongo={"uri": uri, "connect_timeout_s": 1})

    yield server, start
    server.release()
    server.stop(force=True)


def test_a_charge_the_database_never_heard_of_is_confirmed_once_it_is_back(
    own_database, admin, clock, monkeypatch
):
    server, start = own_database
    box_office = open_box_office(start(), clock=clock)
    lose_the_database_after_each_charge(monkeypatch, lambda: server.stop(force=True))
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))
    kiosk = Actor("kiosk-1", "kiosk", (hall.theater.id,))
    declined = box_office.booking.new_basket(kiosk, hall.showtime_id)
    declined = box_office.booking.hold(kiosk, declined.id, ["A3"])
    with pytest.raises(PaymentFailed):  # a customer still choosing how to pay
        box_office.checkout.checkout(kiosk, declined.id, "simulated", card="4000000000000002")
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B1", "B2"])

    with pytest.raises(PaymentTakenPendingSettlement) as raised:
        box_office.checkout.checkout(kiosk, basket.id, "simulated")
    reference = raised.value.reference  # the database is away: the basket names it later
    assert str(raised.value) == (
        f"the payment was taken; booking {reference} will be settled as soon as the box "
        "office is back; keep this reference"
    )
    box_office.checkout.abandon(
        kiosk, basket.id
    )  # walking away gives back nothing that was paid for
    box_office.close()

    # The database is back (within the hold: the clock has not moved).
    back = open_box_office(start(), clock=clock)
    try:
        outcomes = back.reconcile.run(admin)
        assert [(o.reference, o.before, o.after) for o in outcomes] == [
            (reference, "pending_payment", "confirmed")
        ]
        booking = back.store.bookings.get(back.store.baskets.get(basket.id).booking_id)
        assert booking.reference == reference
        assert booking.state == "confirmed" and booking.paid == booking.total > 0
        assert sold_seats(back, hall.showtime_id) == {"B1": booking.id, "B2": booking.id}
        still_choosing = back.store.bookings.get(back.store.baskets.get(declined.id).booking_id)
        assert still_choosing.state == "pending_payment"  # left to its kiosk
        assert consistency_problems(back, hall.showtime_id) == []
        assert back.reconcile.run(admin) == []
    finally:
        back.connection.client.drop_database(back.config.mongo.db_name)
        back.close()


def test_book_says_the_payment_is_taken_and_reconcile_confirms_it(
    own_database, admin, monkeypatch, capsys
):
    from console import context
    from console.cli import main

    server, start = own_database
    config = start()
    monkeypatch.setenv("MARQUEE_MONGO_URI", config.mongo.uri)
    monkeypatch.setenv("MARQUEE_MONGO_CONNECT_TIMEOUT_S", "1")
    with open_box_office(config) as box_office:
        hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(Clock()))

    def run(*args: str) -> tuple[int, str, str]:
        context.reset()
        capsys.readouterr()
        code = main(list(args))
        return code, *capsys.readouterr()

    lose_the_database_after_each_charge(monkeypatch, lambda: server.stop(force=True))
    code, out, err = run("book", hall.showtime_id, "--seats", "B3", "--pay", "simulated")
    assert code != 0 and out == ""
    [line] = err.strip().splitlines()
    told = re.fullmatch(
        "error: the payment was taken; booking ([A-Z0-9]{6}) will be settled as soon as the "
        "box office is back; keep this reference",
        line,
    )
    assert told, line
    reference = told.group(1)

    monkeypatch.setenv("MARQUEE_MONGO_URI", start().mongo.uri)  # the database is back
    code, out, err = run("payments", "reconcile", "--json")
    assert code == 0, err
    assert [(o["reference"], o["after"]) for o in json.loads(out)] == [(reference, "confirmed")]
    with open_box_office(start()) as box_office:
        [booking] = box_office.store.bookings.find({})
        assert booking.state == "confirmed" and booking.paid == booking.total
        assert sold_seats(box_office, hall.showtime_id) == {"B3": booking.id}
        box_office.connection.client.drop_database(box_office.config.mongo.db_name)
    context.reset()
