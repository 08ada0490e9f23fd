"""Signed ticket tokens and the door scanner (TicketService) against a real database."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from cli_support import seed_cinema
from hypothesis import given, settings
from hypothesis import strategies as st

from core.services.access import Actor
from core.services.tickets import VerdictKind
from core.tickets import Ticket, new_key, sign, ticket_id, verify

KEY = bytes(range(32))
KID = "k3y1d000"
TICKET = Ticket(ticket_id("b0000001", "F12"), "ABC234", "dune-2026-01-01-1930", "F12")

# -- tokens ------------------------------------------------------------------------
fields = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFXYZ", min_size=1, max_size=40)
tickets = st.builds(Ticket, fields, fields, fields, fields)


def test_a_token_round_trips_and_is_short():
    token = sign(TICKET, KEY, KID)
    assert token.startswith(f"MQ2.{KID}.")
    assert verify(token, KEY) == TICKET
    assert len(token) <= 110


def test_ticket_ids_are_deterministic_and_per_seat():
    assert ticket_id("b1", "A1") == ticket_id("b1", "A1")
    assert len({ticket_id("b1", "A1"), ticket_id("b1", "A2"), ticket_id("b2", "A1")}) == 3


def test_fields_with_the_separator_are_refused():
    with pytest.raises(ValueError):
        sign(Ticket("t", "R|X", "s", "A1"), KEY, KID)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "MQ1",
        "MQ1..",
        "MQ2.abc.def",
        "MQ1.abc.def.ghi",
        "MQ1.é.x",
        "hello",
        "MQ2.k3y1d000.abc",
        "MQ2..abc.def",
        "MQ2.K3Y1D000.abc.def",
    ],
)
def test_garbage_is_not_valid(token):
    assert verify(token, KEY) is None


@settings(max_examples=300)
@given(tickets, st.data())
def test_changing_any_character_fails_verification(ticket, data):
    token = sign(ticket, KEY, KID)
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != token[index]))
    altered = token[:index] + replacement + token[index + 1 :]
    assert verify(altered, KEY) is None


@given(tickets, st.integers(1, 5))
def test_truncating_or_extending_fails_verification(ticket, cut):
    token = sign(ticket, KEY, KID)
    assert verify(token[:-cut], KEY) is None
    assert verify(token + "A" * cut, KEY) is None


@given(tickets, st.binary(min_size=16, max_size=64))
def test_a_token_signed_with_another_key_fails(ticket, other):
    if other != KEY:
        assert verify(sign(ticket, other, KID), KEY) is None


# -- the door ----------------------------------------------------------------------
def book(box_office, admin, show: str, seats: list[str]):
    service = box_office.booking
    basket = service.new_basket(admin, show, "cli")
    service.hold(admin, basket.id, seats)
    return box_office.checkout.checkout(admin, basket.id, "simulated")


@pytest.fixture
def show(box_office, admin) -> str:
    return seed_cinema(box_office, admin)


@pytest.fixture
def starts(box_office, admin, show) -> dt.datetime:
    return box_office.store.showtimes.get(show).starts_at


@pytest.fixture
def booking(box_office, admin, show):
    return book(box_office, admin, show, ["A1", "A2"])


def token_of(box_office, admin, booking, seat: str) -> str:
    return dict(box_office.tickets.tickets(admin, booking.reference))[seat]


def test_tickets_are_issued_for_active_seats_and_verify(box_office, admin, booking, show):
    issued = box_office.tickets.tickets(admin, booking.reference)
    assert [seat for seat, _ in issued] == ["A1", "A2"]
    for seat, token in issued:
        assert box_office.tickets.verify(token) == Ticket(
            ticket_id(booking.id, seat), booking.reference, show, seat
        )


def test_admit_once_then_already_admitted(box_office, admin, booking, starts):
    token = token_of(box_office, admin, booking, "A1")
    now = starts - dt.timedelta(minutes=10)
    first = box_office.tickets.scan(admin, token, door="north", now=now)
    assert first.kind == VerdictKind.ADMIT
    assert (first.seat_id, first.movie_title) == ("A1", "Dune")
    assert first.starts_local == starts
    second = box_office.tickets.scan(admin, token, door="south", now=now + dt.timedelta(minutes=1))
    assert second.kind == VerdictKind.ALREADY_ADMITTED
    assert second.admitted_door == "north"
    assert second.admitted_at == now
    other_seat = token_of(box_office, admin, booking, "A2")
    assert box_office.tickets.scan(admin, other_seat, now=now).kind == VerdictKind.ADMIT
    assert tuple(box_office.tickets.checkins(admin, booking.showtime_id)) == (2, 2)


def test_too_early_and_too_late(box_office, admin, booking, starts):
    token = token_of(box_office, admin, booking, "A1")
    scan = box_office.tickets.scan
    assert scan(admin, token, now=starts - dt.timedelta(minutes=46)).kind == "TOO_EARLY"
    assert scan(admin, token, now=starts + dt.timedelta(minutes=31)).kind == "TOO_LATE"
    assert scan(admin, token, now=starts - dt.timedelta(minutes=45)).kind == "ADMIT"


def test_wrong_showtime_and_wrong_theater(box_office, admin, booking, starts):
    token = token_of(box_office, admin, booking, "A1")
    now = starts
    scan = box_office.tickets.scan
    assert scan(admin, token, now=now, showtime_id="other-show").kind == "WRONG_SHOWTIME"
    assert scan(admin, token, theater_id="elsewhere", now=now).kind == "WRONG_THEATER"
    usher = Actor("usher", "staff", ("elsewhere",))
    assert scan(usher, token, now=now).kind == "WRONG_THEATER"
    assert box_office.tickets.checkins(admin, booking.showtime_id).admitted == 0
    roxy_usher = Actor("usher", "staff", ("roxy",))
    assert scan(roxy_usher, token, now=now, showtime_id=booking.showtime_id).kind == "ADMIT"


def test_refunded_and_cancelled_seats_are_refused(box_office, admin, booking, starts):
    first = token_of(box_office, admin, booking, "A1")
    second = token_of(box_office, admin, booking, "A2")
    box_office.aftersales.cancel(admin, booking.reference, ["A1"])
    assert box_office.tickets.scan(admin, first, now=starts).kind == VerdictKind.REFUNDED
    assert [seat for seat, _ in box_office.tickets.tickets(admin, booking.reference)] == ["A2"]
    box_office.aftersales.cancel(admin, booking.reference, ["A2"], refund=False)
    assert box_office.tickets.scan(admin, second, now=starts).kind == VerdictKind.CANCELLED
    assert box_office.tickets.tickets(admin, booking.reference) == []
    assert tuple(box_office.tickets.checkins(admin, booking.showtime_id)) == (0, 0)


def test_forged_and_unknown_tokens_are_not_valid(box_office, admin, booking, starts):
    scan = box_office.tickets.scan
    token = token_of(box_office, admin, booking, "A1")
    key = box_office.keys.current("tickets")
    forged = sign(
        Ticket(ticket_id(booking.id, "A1"), booking.reference, booking.showtime_id, "A1"),
        new_key(),
        key.id,
    )
    assert scan(admin, forged, now=starts).kind == VerdictKind.NOT_VALID
    assert (
        scan(admin, token[:-1] + ("A" if token[-1] != "A" else "B"), now=starts).kind == "NOT_VALID"
    )
    unknown = sign(Ticket("0123456789abcdef", "ZZZZZZ", booking.showtime_id, "A1"), key.key, key.id)
    assert scan(admin, unknown, now=starts).kind == VerdictKind.NOT_VALID
    wrong_seat = sign(
        Ticket(ticket_id(booking.id, "B1"), booking.reference, booking.showtime_id, "B1"),
        key.key,
        key.id,
    )
    assert scan(admin, wrong_seat, now=starts).kind == VerdictKind.NOT_VALID
    assert scan(admin, "hello", now=starts).kind == VerdictKind.NOT_VALID
    assert scan(admin, token, now=starts).kind == VerdictKind.ADMIT


def test_customers_cannot_scan(box_office, booking):
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        box_office.tickets.scan(Actor("c", "customer"), "MQ2.x.y.z")


def test_parallel_scans_admit_exactly_once(box_office, admin, booking, starts):
    token = token_of(box_office, admin, booking, "A1")
    barrier = threading.Barrier(8)
    kinds: list[str] = []
    lock = threading.Lock()

    def door(number: int) -> None:
        barrier.wait()
        verdict = box_office.tickets.scan(admin, token, door=f"door-{number}", now=starts)
        with lock:
            kinds.append(str(verdict.kind))

    threads = [threading.Thread(target=door, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(kinds) == {"ADMIT": 1, "ALREADY_ADMITTED": 7}
    assert box_office.tickets.checkins(admin, booking.showtime_id).admitted == 1


def test_an_exchanged_seat_is_refused_and_the_new_one_admitted(box_office, admin, booking, starts):
    old = token_of(box_office, admin, booking, "A1")
    box_office.aftersales.exchange(admin, booking.reference, ["A3", "A2"])
    assert box_office.tickets.scan(admin, old, now=starts).kind == VerdictKind.CANCELLED
    new = token_of(box_office, admin, booking, "A3")
    assert box_office.tickets.scan(admin, new, now=starts).kind == VerdictKind.ADMIT
