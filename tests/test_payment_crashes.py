"""A kiosk killed with SIGKILL at each step of a card sale loses neither money nor seats.

After ``reconcile`` every captured charge has exactly one confirmed booking or
one refund of the whole amount, and every seat is either sold to a confirmed
booking or free. The same holds for a kiosk that is a client of one of two servers
on the database, settled through the other; and when the server it sells through
dies at a step, the kiosk carries on at the other server and sells once."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import httpx
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
from payment_crash_worker import APPROVED, sell_on_the_reader
from server_support import Balancer, kiosk_tokens

from client.remote import RemoteBoxOffice
from core.bootstrap import open_box_office
from core.config import Config
from core.errors import PaymentFailed, PaymentTakenPendingSettlement
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor
from server.contract import checkout as checkout_api
from server.contract.booking import OPERATIONS as BOOKING
from server.contract.local import token_path

pytest_plugins = ["server_fixtures"]  # pair_of_servers

WORKER = Path(__file__).with_name("payment_crash_worker.py")
LATER = 60 * 60  # reconcile an hour later: every hold has lapsed, the grace is over
ANYONE = Actor.public()  # the face's actor argument: a server takes the kiosk from its token


def run_until_killed(showtime_id: str, seats: str, step: str, *server: str) -> None:
    """The worker, on the engine or (``server``: URL and TOKEN) a kiosk of that server."""
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), showtime_id, seats, step, *server],
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


def reconcile_at(url: str, cli, monkeypatch, box_office) -> list[dict]:
    """``marquee payments reconcile`` against the server at ``url``, as the owner of the
    data dir (the box office has no accounts yet): the outcomes it prints."""
    monkeypatch.setenv("MARQUEE_SERVER", url)
    monkeypatch.setenv("MARQUEE_TOKEN", token_path(box_office.config.data_dir).read_text())
    result = cli("payments", "reconcile", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


@pytest.mark.parametrize("through", ["engine", "two servers"])
@pytest.mark.parametrize(
    ("step", "after"),
    [("held", set()), ("charged", {"confirmed"}), ("confirmed", {"confirmed"})],
)
def test_a_kill_at_each_step_is_settled_by_reconcile(
    request, fake_stripe, box_office, hall, later, admin, cli, monkeypatch, step, after, through
):
    """The kiosk sells on the engine itself, or as a paired kiosk of one of two servers
    on the database; then reconcile settles what it left: on the engine an hour later,
    or at once through the other server, as ``marquee payments reconcile``."""
    if through == "engine":
        run_until_killed(hall.showtime_id, "B1,B2", step)
        reconcile = partial(later.reconcile.run, admin)
    else:
        (_first, first_url), (_second, second_url) = request.getfixturevalue("pair_of_servers")
        [token] = kiosk_tokens(box_office, admin, hall.theater.id, 1)
        run_until_killed(hall.showtime_id, "B1,B2", step, first_url, token)
        reconcile = partial(reconcile_at, second_url, cli, monkeypatch, box_office)
    if step == "charged":  # the card was taken at the reader, nothing confirmed yet
        assert [b.state for b in box_office.store.bookings.find({})] == ["pending_payment"]
        [intent] = fake_stripe.intents.values()
        assert intent["status"] in {"requires_capture", "succeeded"}
    reconcile()
    states = {b.state for b in later.store.bookings.find({})}
    assert states == after
    assert money_problems(fake_stripe, later) == []
    assert consistency_problems(later, hall.showtime_id) == []
    # No seat is stuck: whatever is not sold can be held again at once.
    kiosk = admin
    basket = later.booking.new_basket(kiosk, hall.showtime_id)
    free = [s for s in ("B1", "B2") if s not in sold_seats(later, hall.showtime_id)]
    basket = later.booking.hold(kiosk, basket.id, free)
    assert reconcile() == []  # a second run changes nothing


# The request that does each step of the sale on the reader (see sell_on_the_reader).
STEP_PATHS = {
    "held": next(op.path for op in BOOKING if op.method == "hold"),
    "paying": next(op.path for op in checkout_api.OPERATIONS if op.method == "checkout"),
    "charged": next(op.path for op in checkout_api.OPERATIONS if op.method == "present_test_card"),
    "confirmed": next(op.path for op in checkout_api.OPERATIONS if op.method == "follow_payment"),
}


@pytest.mark.parametrize("step", list(STEP_PATHS))
def test_a_server_killed_at_each_step_leaves_the_sale_to_the_other(
    fake_stripe, box_office, hall, later, admin, pair_of_servers, step
):
    """The server a kiosk sells through dies at a step: it did the step's write, and its
    answer never reached the kiosk. The kiosk's client sends the same request (the same
    Idempotency-Key) again, which the load balancer takes to the other server, and the
    sale carries on there: confirmed once, charged once, each seat sold once."""
    (first, first_url), (_second, second_url) = pair_of_servers
    [token] = kiosk_tokens(box_office, admin, hall.theater.id, 1)
    balancer = Balancer(first_url)
    killed_at: list[str | None] = []  # the key of the request whose answer was lost

    def kill_at_the_step(request, response) -> bool:
        if killed_at or request.url.path != STEP_PATHS[step]:
            return False
        if step == "confirmed" and response.json()["state"] != "confirmed":
            return False  # still paying: the kiosk looks again
        first.kill()
        first.wait(timeout=30)
        balancer.url = second_url
        killed_at.append(request.headers.get("idempotency-key"))
        return True

    balancer.answered = kill_at_the_step
    with httpx.Client(base_url=first_url, transport=balancer) as http:
        kiosk = RemoteBoxOffice(first_url, token, http=http)
        booking = sell_on_the_reader(kiosk, ANYONE, hall.showtime_id, ["B1", "B2"])

    [key] = killed_at
    sent = [(url, sent_key) for path, url, sent_key in balancer.sent if path == STEP_PATHS[step]]
    assert (first_url, key) in sent and sent[-1] == (second_url, key)  # the same request
    assert (key is None) == (step == "held")  # holding again is harmless: it needs no key
    assert sold_once(fake_stripe, box_office, hall, booking) == ["B1", "B2"]
    assert later.reconcile.run(admin) == []  # nothing was left for reconcile


def test_a_server_killed_as_it_takes_the_payment_leaves_the_sale_to_the_other(
    fake_stripe, box_office, hall, later, admin, pair_of_servers
):
    """The server dies in the middle of following the payment: it captured the card at
    Stripe and never confirmed nor answered. The kiosk's retry (same key) reaches the
    other server, which sees the first stopped beating, follows the payment itself and
    answers the sale: the payment that got through is its one charge."""
    (first, first_url), (_second, second_url) = pair_of_servers
    [token] = kiosk_tokens(box_office, admin, hall.theater.id, 1)
    balancer = Balancer(first_url)

    def kill_when_captured(request) -> None:
        if request.path.endswith("/capture") and first.poll() is None:
            first.kill()  # Stripe has taken the money; its answer goes to no one
            first.wait(timeout=30)
            balancer.url = second_url

    fake_stripe.answered = kill_when_captured
    with httpx.Client(base_url=first_url, transport=balancer) as http:
        kiosk = RemoteBoxOffice(first_url, token, http=http)
        basket = kiosk.booking.new_basket(ANYONE, hall.showtime_id)
        basket = kiosk.booking.hold(ANYONE, basket.id, ["B3", "B4"])
        kiosk.checkout.checkout(ANYONE, basket.id, "stripe_terminal")
        kiosk.checkout.present_test_card(ANYONE, basket.id, APPROVED)
        booking = kiosk.checkout.follow_payment(ANYONE, basket.id)
        assert first.poll() is not None  # it did die mid-request

    assert sold_once(fake_stripe, box_office, hall, booking) == ["B3", "B4"]
    assert later.reconcile.run(admin) == []


def sold_once(fake, box_office, hall, booking) -> list[str]:
    """The sale is confirmed, charged once and never refunded, its seats sold to it and
    nothing else sold: its seats."""
    [stored] = box_office.store.bookings.find({})
    assert booking.state == stored.state == "confirmed" and stored.id == booking.id
    [intent] = fake.intents.values()
    assert intent["status"] == "succeeded" and fake.refunded(intent["id"]) == 0
    assert intent["amount"] == stored.paid == stored.total
    assert money_problems(fake, box_office) == []
    assert consistency_problems(box_office, hall.showtime_id) == []
    sold = sold_seats(box_office, hall.showtime_id)
    assert set(sold.values()) == {booking.id}
    return sorted(sold)


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
