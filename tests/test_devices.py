"""Paired terminals: one-time pairing codes, hashed device tokens, what each kind of
device may do (at its own theater only), revoking, and signing in at a counter."""

from __future__ import annotations

import hashlib
import re
import threading

import pytest
from booking_support import LAYOUT, buy, make_hall, tomorrow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.devices import CODE_ALPHABET, normal_code
from core.errors import (
    AlreadyExists,
    DeviceInvalid,
    InvalidInput,
    PairingFailed,
    PermissionDenied,
    SessionInvalid,
)
from core.services.access import Actor
from core.services.tickets import VerdictKind

PASSWORD = "correct horse"


@pytest.fixture
def away(box_office, admin, clock):
    """A second theater with its own showtime."""
    return make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))


def paired(box_office, admin, hall, kind: str, name: str = "") -> tuple[Actor, str]:
    _, code = box_office.devices.add(admin, name or f"{kind}-1", kind, hall.theater.id)
    _, token = box_office.devices.pair(code)
    return box_office.devices.actor_for_device(token), token


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_pairing_code_is_short_unambiguous_and_stored_hashed(box_office, hall, admin):
    device, code = box_office.devices.add(admin, "Lobby 1", "kiosk", hall.theater.id)
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{2}", code)
    stored = box_office.store.devices.collection.find_one({"_id": device.id})
    assert stored["pairing_hash"] == sha256(code.replace("-", ""))
    assert code.replace("-", "") not in str(stored) and code not in str(stored)
    assert device.state == "waiting for pairing"


def test_a_code_pairs_once_for_a_token_kept_only_as_its_hash(box_office, hall, admin):
    _, code = box_office.devices.add(admin, "Lobby 1", "kiosk", hall.theater.id)
    device, token = box_office.devices.pair(f" {code.lower()} ")  # as typed: case and spaces
    assert re.fullmatch(r"mqd_[A-Za-z0-9_-]{32,}", token)
    assert device.state == "paired"
    with pytest.raises(PairingFailed, match="used already"):
        box_office.devices.pair(code)
    documents = list(box_office.store.devices.collection.find({}))
    assert token not in str(documents) and token[4:] not in str(documents)
    assert documents[0]["token_hash"] == sha256(token)
    actor = box_office.devices.actor_for_device(token)
    assert actor == Actor("kiosk:Lobby 1", "kiosk", (hall.theater.id,), device_id=device.id)


def test_two_terminals_racing_with_one_code_pair_one(box_office, hall, admin):
    _, code = box_office.devices.add(admin, "Door A", "door", hall.theater.id)
    start, outcomes = threading.Barrier(4), []

    def pair() -> None:
        start.wait()
        try:
            outcomes.append(box_office.devices.pair(code)[1])
        except PairingFailed:
            outcomes.append("refused")

    threads = [threading.Thread(target=pair) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "refused" for o in outcomes) == [False, True, True, True]


def test_an_expired_code_is_refused(box_office, hall, admin, clock):
    _, code = box_office.devices.add(admin, "Lobby 1", "kiosk", hall.theater.id)
    clock.advance(60 * 60)
    with pytest.raises(PairingFailed, match="expired"):
        box_office.devices.pair(code)
    with pytest.raises(PairingFailed):
        box_office.devices.pair("ABCD-EFGH-JK")  # never given


def test_unknown_and_altered_device_tokens_are_refused(box_office, hall, admin):
    _, token = paired(box_office, admin, hall, "kiosk")
    for bad in ("", "mqd_", token[:-1] + ("A" if token[-1] != "A" else "B"), token[4:]):
        with pytest.raises(DeviceInvalid):
            box_office.devices.actor_for_device(bad)


def test_a_kiosk_device_sells_at_its_theater_and_does_nothing_else(box_office, hall, away, admin):
    kiosk, _ = paired(box_office, admin, hall, "kiosk")
    booking = buy(box_office, kiosk, hall, ["B1"])
    box_office.inventory.seat_map(kiosk, hall.showtime_id)
    ticket = box_office.tickets.token(booking, "B1")
    refused = {
        "sell elsewhere": lambda: box_office.booking.new_basket(kiosk, away.showtime_id),
        "sales report": lambda: box_office.reports.sales(kiosk),
        "sales report here": lambda: box_office.reports.sales(kiosk, theater_id=hall.theater.id),
        "refund": lambda: box_office.aftersales.cancel(kiosk, booking.reference, ["B1"]),
        "read a booking": lambda: box_office.aftersales.booking(kiosk, booking.reference),
        "scan": lambda: box_office.tickets.scan(kiosk, ticket, theater_id=hall.theater.id),
        "devices": lambda: box_office.devices.list(kiosk),
    }
    outcomes = {}
    for name, call in refused.items():
        with pytest.raises(PermissionDenied) as error:
            call()
        outcomes[name] = str(error.value)
    assert len(outcomes) == len(refused)


def test_a_door_device_scans_only_at_its_theater(box_office, hall, away, admin):
    door, _ = paired(box_office, admin, hall, "door")
    here = buy(box_office, admin, hall, ["B1"])
    there = buy(box_office, admin, away, ["B1"])
    at_start = hall.showtime.starts_at
    verdict = box_office.tickets.scan(door, box_office.tickets.token(here, "B1"), now=at_start)
    assert verdict.kind == VerdictKind.ADMIT
    verdict = box_office.tickets.scan(door, box_office.tickets.token(there, "B1"), now=at_start)
    assert verdict.kind == VerdictKind.WRONG_THEATER and not verdict.admitted
    with pytest.raises(PermissionDenied):
        box_office.tickets.scan(
            door, box_office.tickets.token(there, "B1"), theater_id=away.theater.id
        )
    with pytest.raises(PermissionDenied):
        box_office.booking.new_basket(door, hall.showtime_id)
    with pytest.raises(PermissionDenied):
        box_office.aftersales.booking(door, here.reference)


def test_a_revoked_device_is_refused_at_once_and_frees_its_name(box_office, hall, admin):
    _, token = paired(box_office, admin, hall, "kiosk", "Lobby 1")
    _, unused = box_office.devices.add(admin, "Lobby 2", "kiosk", hall.theater.id)
    box_office.devices.revoke(admin, "LOBBY 1", hall.theater.id)
    with pytest.raises(DeviceInvalid, match="revoked"):
        box_office.devices.actor_for_device(token)
    lobby_2 = box_office.store.devices.find({"name": "Lobby 2"})[0]
    box_office.devices.revoke(admin, lobby_2.id, hall.theater.id)  # by id
    with pytest.raises(PairingFailed):
        box_office.devices.pair(unused)
    with pytest.raises(InvalidInput, match="revoked already"):
        box_office.devices.revoke(admin, lobby_2.id, hall.theater.id)
    again, _ = box_office.devices.add(admin, "Lobby 1", "kiosk", hall.theater.id)
    states = {(d.name, d.state) for d in box_office.devices.list(admin)}
    assert states == {("Lobby 1", "revoked"), ("Lobby 2", "revoked"), ("Lobby 1", again.state)}


def test_device_use_is_seen_at_most_once_a_minute(box_office, hall, admin, clock):
    kiosk, token = paired(box_office, admin, hall, "kiosk")
    first = box_office.store.devices.get(kiosk.device_id).last_seen
    clock.advance(30)
    box_office.devices.actor_for_device(token)
    assert box_office.store.devices.get(kiosk.device_id).last_seen == first
    clock.advance(31)
    box_office.devices.actor_for_device(token)
    assert box_office.store.devices.get(kiosk.device_id).last_seen == first + 61


def test_managers_add_devices_of_their_own_theaters_with_names_unique_there(
    box_office, hall, away, admin
):
    box_office.auth.add_user(admin, "ada", "Ada", "admin", PASSWORD)  # the first account
    box_office.auth.add_user(admin, "mia", "Mia", "manager", PASSWORD, [hall.theater.id])
    box_office.auth.add_user(admin, "sam", "Sam", "staff", PASSWORD, [hall.theater.id])
    mia = box_office.auth.actor_for(box_office.auth.sign_in("mia", PASSWORD).token)
    sam = box_office.auth.actor_for(box_office.auth.sign_in("sam", PASSWORD).token)
    box_office.devices.add(mia, "Door A", "door", hall.theater.id)
    with pytest.raises(AlreadyExists):
        box_office.devices.add(admin, "door a", "kiosk", hall.theater.id)
    box_office.devices.add(admin, "Door A", "door", away.theater.id)  # another theater's
    with pytest.raises(PermissionDenied):
        box_office.devices.add(mia, "Door B", "door", away.theater.id)
    with pytest.raises(PermissionDenied):
        box_office.devices.add(sam, "Door B", "door", hall.theater.id)
    with pytest.raises(InvalidInput, match="kind"):
        box_office.devices.add(admin, "Door B", "turnstile", hall.theater.id)
    with pytest.raises(InvalidInput):
        box_office.devices.add(admin, "Door\x1b[2J", "door", hall.theater.id)
    assert [d.theater_id for d in box_office.devices.list(mia)] == [hall.theater.id]
    assert len(box_office.devices.list(admin)) == 2
    with pytest.raises(PermissionDenied):
        box_office.devices.revoke(mia, "Door A", away.theater.id)


def test_adding_pairing_and_revoking_are_audited(box_office, hall, admin):
    _, code = box_office.devices.add(admin, "Lobby 1", "kiosk", hall.theater.id)
    box_office.devices.pair(code)
    box_office.devices.revoke(admin, "Lobby 1", hall.theater.id)
    entries = [(e.action, e.user, e.target, e.theater_id) for e in box_office.store.audit.find({})]
    assert sorted(e for e in entries if e[0].startswith("device")) == [
        ("device added", "local-admin", "Lobby 1", hall.theater.id),
        ("device paired", "kiosk:Lobby 1", "Lobby 1", hall.theater.id),
        ("device revoked", "local-admin", "Lobby 1", hall.theater.id),
    ]
    assert code not in str(box_office.store.audit.collection.find_one({"action": "device added"}))


def test_a_counter_lets_only_its_theaters_staff_sign_in(box_office, hall, away, admin):
    box_office.auth.add_user(admin, "ada", "Ada", "admin", PASSWORD)
    box_office.auth.add_user(admin, "sam", "Sam", "staff", PASSWORD, [hall.theater.id])
    box_office.auth.add_user(admin, "sue", "Sue", "staff", PASSWORD, [away.theater.id])
    counter, _ = paired(box_office, admin, hall, "counter")
    kiosk, _ = paired(box_office, admin, hall, "kiosk")
    at_counter = box_office.auth.sign_in("sam", PASSWORD, device=counter)
    assert box_office.auth.actor_for(at_counter.token).device_id == counter.device_id
    box_office.auth.sign_in("ada", PASSWORD, device=counter)  # admins anywhere
    with pytest.raises(PermissionDenied, match=hall.theater.id):
        box_office.auth.sign_in("sue", PASSWORD, device=counter)
    with pytest.raises(PermissionDenied):
        box_office.auth.sign_in("sam", PASSWORD, device=kiosk)
    with pytest.raises(PermissionDenied):
        box_office.booking.new_basket(counter, hall.showtime_id)  # the device itself sells nothing
    elsewhere = box_office.auth.sign_in("sam", PASSWORD)  # not at the counter
    box_office.devices.revoke(admin, counter.device_id, hall.theater.id)
    with pytest.raises(SessionInvalid, match="revoked"):
        box_office.auth.actor_for(at_counter.token)
    assert box_office.auth.actor_for(elsewhere.token).subject == "sam"


@given(st.data())
def test_a_code_typed_in_any_case_with_spaces_and_dashes_is_the_same_code(data):
    code = data.draw(st.text(alphabet=CODE_ALPHABET, min_size=10, max_size=10))
    typed = "".join(
        data.draw(st.sampled_from([ch, ch.lower()])) + data.draw(st.sampled_from(["", " ", "-"]))
        for ch in code
    )
    assert normal_code(typed) == code


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80) | st.text(max_size=60).map(lambda t: "mqd_" + t))
def test_any_text_is_refused_as_a_device_token_and_as_a_pairing_code(box_office, text):
    with pytest.raises(DeviceInvalid):
        box_office.devices.actor_for_device(text)
    with pytest.raises(PairingFailed):
        box_office.devices.pair(text)
