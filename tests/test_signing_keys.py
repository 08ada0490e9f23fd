"""Signing keys live in the database: every process of a box office (whatever its data
dir) signs and verifies sessions and tickets with the same keys; old key files are
imported, old tokens still verify, keys rotate and retire."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading

import jwt
import pytest
from cli_support import seed_cinema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bootstrap import key_files, open_box_office
from core.errors import ConfigError, InvalidInput, NotFound, PermissionDenied, SessionInvalid
from core.services.access import Actor
from core.services.keys import SigningKeys
from core.services.tickets import VerdictKind
from core.signing_keys import SigningKey
from core.tickets import Ticket, new_key, sign, ticket_id

PASSWORD = "correct horse"
NOT_VALID = "not a Marquee ticket, or altered"


# -- helpers -------------------------------------------------------------------------------
def legacy_token(ticket: Ticket, key: bytes) -> str:
    """A token as releases before key ids printed it: MQ1.<payload>.<mac>."""
    fields = "|".join((ticket.ticket_id, ticket.reference, ticket.showtime_id, ticket.seat_id))
    payload = base64.urlsafe_b64encode(fields.encode()).rstrip(b"=").decode()
    mac = hmac.new(key, f"MQ1.{payload}".encode(), hashlib.sha256).digest()[:16]
    return f"MQ1.{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_the_legacy_helper_prints_what_the_old_release_printed():
    # Made by the release before key ids, with the key bytes 0..31.
    printed = (
        "MQ1.NzVmYTk3Zjk5ZjFjMzBkMXxBQkMyMzR8ZHVuZS0yMDI2LTAxLTAxLTE5MzB8RjEy"
        ".EH1TvQf_gpWqZNx-HMgkBw"
    )
    ticket = Ticket(ticket_id("b0000001", "F12"), "ABC234", "dune-2026-01-01-1930", "F12")
    assert legacy_token(ticket, bytes(range(32))) == printed


def book(box_office, admin, show: str, seats: list[str]):
    basket = box_office.booking.new_basket(admin, show, "cli")
    box_office.booking.hold(admin, basket.id, seats)
    return box_office.checkout.checkout(admin, basket.id, "simulated")


def tokens(box_office, admin, booking) -> dict[str, str]:
    return dict(box_office.tickets.tickets(admin, booking.reference))


def scan(box_office, admin, token: str, starts):
    return box_office.tickets.scan(admin, token, now=starts)


@pytest.fixture
def other_machine(config, tmp_path):
    """A second box office process: another data dir, the same database."""
    other = config.with_overrides(data={"dir": str(tmp_path / "machine-2")})
    with open_box_office(other) as box_office:
        yield box_office


@pytest.fixture
def show(box_office, admin) -> str:
    return seed_cinema(box_office, admin)


@pytest.fixture
def starts(box_office, show):
    return box_office.store.showtimes.get(show).starts_at


@pytest.fixture
def booking(box_office, admin, show):
    return book(box_office, admin, show, ["A1", "A2", "A3"])


@pytest.fixture
def ada(box_office, admin):
    box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    return box_office.auth.sign_in("ada", PASSWORD)


# -- one set of keys per box office --------------------------------------------------------
def test_a_ticket_and_a_session_from_one_machine_are_good_at_another(
    box_office, other_machine, admin, booking, starts, ada
):
    assert box_office.config.data_dir != other_machine.config.data_dir
    token = tokens(box_office, admin, booking)["A1"]
    verdict = scan(other_machine, admin, token, starts)
    assert verdict.kind == VerdictKind.ADMIT
    assert other_machine.auth.actor_for(ada.token).subject == "ada"
    theirs = other_machine.auth.sign_in("ada", PASSWORD)
    assert box_office.auth.actor_for(theirs.token).subject == "ada"
    assert tokens(other_machine, admin, booking) == tokens(box_office, admin, booking)
    # No machine keeps a key of its own in its data dir.
    for machine in (box_office, other_machine):
        assert not machine.config.ticket_key_path.exists()
        assert not machine.config.session_key_path.exists()


def test_processes_racing_for_the_first_key_make_one(box_office, other_machine):
    rings = [
        SigningKeys(machine.store.signing_keys, machine.access, key_files(machine.config))
        for machine in (box_office, other_machine) * 4
    ]
    barrier = threading.Barrier(len(rings))
    made: list[str] = []

    def first_need(ring: SigningKeys) -> None:
        barrier.wait()
        made.append(ring.current("tickets").id)

    threads = [threading.Thread(target=first_need, args=(ring,)) for ring in rings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = box_office.store.signing_keys.find({"purpose": "tickets"})
    assert len(stored) == 1
    assert set(made) == {stored[0].id}


def test_the_loser_of_a_race_reads_the_winners_key(box_office):
    repo = box_office.store.signing_keys
    first = SigningKey(
        id="winner01", purpose="tickets", seq=1, secret=new_key().hex(), created_at=_now()
    )
    late = first.model_copy(update={"id": "loser001", "secret": new_key().hex()})
    assert repo.add(first) == first
    assert repo.add(late) == first
    assert [key.id for key in repo.find({})] == ["winner01"]
    assert box_office.keys.current("tickets").id == "winner01"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# -- an installation from before keys lived in the database --------------------------------
def test_old_key_files_are_imported_and_old_tokens_still_good(box_office, admin, booking, starts):
    ticket_key, session_key = new_key(), new_key()
    data_dir = box_office.config.data_dir
    (data_dir / "ticket.key").write_text(ticket_key.hex() + "\n")
    (data_dir / "session.key").write_text(session_key.hex() + "\n")
    printed = legacy_token(
        Ticket(ticket_id(booking.id, "A2"), booking.reference, booking.showtime_id, "A2"),
        ticket_key,
    )
    user = box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    # A session as the release before key ids signed it: no kid in its header.
    now = int(_now().timestamp())
    claims = {"sub": user.id, "role": "admin", "ver": 0, "iat": now, "exp": now + 600}
    claims |= {"login": "ada", "theaters": [], "jti": "0123456789abcdef"}
    old_session = jwt.encode(claims, session_key, algorithm="HS256")

    assert scan(box_office, admin, printed, starts).kind == VerdictKind.ADMIT
    # Its signature verifies with the imported key; a session from before sessions had
    # records is then refused for that (sign in again), not as a forgery.
    with pytest.raises(SessionInvalid, match=r"\(it was ended\)"):
        box_office.auth.actor_for(old_session)
    forged = jwt.encode(claims, new_key(), algorithm="HS256")
    with pytest.raises(SessionInvalid, match="not a valid session"):
        box_office.auth.actor_for(forged)
    listed = {key.purpose: key for key in box_office.keys.keys(admin)}
    assert listed["tickets"].fingerprint == hashlib.sha256(ticket_key).hexdigest()[:12]
    assert listed["sessions"].fingerprint == hashlib.sha256(session_key).hexdigest()[:12]
    assert listed["tickets"].imported and listed["sessions"].imported
    # New tickets carry the imported key's id; the file is not what verifies them any more.
    new = tokens(box_office, admin, booking)["A1"]
    assert new.startswith(f"MQ2.{listed['tickets'].id}.")
    (data_dir / "ticket.key").write_text(new_key().hex() + "\n")
    assert scan(box_office, admin, new, starts).kind == VerdictKind.ADMIT


def test_tickets_and_sessions_of_two_machines_with_their_own_key_files_stay_good(
    box_office, other_machine, admin, booking, starts
):
    """Before keys lived in the database each machine made its own: one machine's file
    becomes the first key, the other's is imported by an admin to verify only."""
    mine, theirs = new_key(), new_key()
    (box_office.config.data_dir / "ticket.key").write_text(mine.hex())
    (box_office.config.data_dir / "session.key").write_text(mine.hex())
    (other_machine.config.data_dir / "ticket.key").write_text(theirs.hex())
    (other_machine.config.data_dir / "session.key").write_text(theirs.hex())
    ticket = Ticket(ticket_id(booking.id, "A1"), booking.reference, booking.showtime_id, "A1")
    user = box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    now = int(_now().timestamp())
    claims = {"sub": user.id, "role": "admin", "ver": 0, "iat": now, "exp": now + 600}
    claims |= {"jti": "0123456789abcdef"}
    sold_there = legacy_token(ticket, theirs)
    session_there = jwt.encode(claims, theirs, algorithm="HS256")
    # This machine needs its keys first: its files become the first keys.
    assert jwt.decode(box_office.auth.sign_in("ada", PASSWORD).token, mine, ["HS256"])
    assert scan(box_office, admin, legacy_token(ticket, mine), starts).kind == VerdictKind.ADMIT
    assert scan(other_machine, admin, sold_there, starts).kind == VerdictKind.NOT_VALID
    with pytest.raises(SessionInvalid, match="not a valid session"):
        other_machine.auth.actor_for(session_there)

    for purpose in ("tickets", "sessions"):
        path = other_machine.config.data_dir / f"{purpose[:-1]}.key"  # ticket.key, session.key
        box_office.keys.import_key(admin, purpose, path)
    verdict = scan(other_machine, admin, sold_there, starts)
    assert (verdict.kind, verdict.seat_id) == (VerdictKind.ALREADY_ADMITTED, "A1")
    # The other machine's session now verifies; it predates session records, so it is
    # refused for that (sign in again), not as a forgery.
    with pytest.raises(SessionInvalid, match=r"\(it was ended\)"):
        other_machine.auth.actor_for(session_there)
    assert tokens(other_machine, admin, booking)["A2"].startswith(
        f"MQ2.{box_office.keys.current('tickets').id}."
    )
    assert box_office.keys.current("tickets").key == mine  # the imported key never signs
    # ... and no token that names it is good: it never signed one.
    [imported] = [
        key for key in box_office.keys.keys(admin) if not key.signs and key.purpose == "tickets"
    ]
    named = sign(ticket, theirs, imported.id)
    assert scan(box_office, admin, named, starts).kind == VerdictKind.NOT_VALID


def test_a_key_file_named_in_the_config_is_imported(config, tmp_path, admin):
    key = new_key()
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "door.key").write_text(key.hex())
    moved = config.with_overrides(tickets={"key_file": str(tmp_path / "keys" / "door.key")})
    with open_box_office(moved) as box_office:
        try:
            assert box_office.keys.current("tickets").key == key
        finally:
            box_office.connection.client.drop_database(config.mongo.db_name)


def test_an_unreadable_key_file_is_one_config_error_and_nothing_is_written(box_office):
    (box_office.config.data_dir / "ticket.key").write_text("not hex\n")
    with pytest.raises(ConfigError, match=r"^config: tickets.key_file: cannot read a key from"):
        box_office.keys.current("tickets")
    assert box_office.store.signing_keys.find({}) == []


# -- rotation ------------------------------------------------------------------------------
def test_rotation_keeps_old_tickets_until_their_key_is_retired(
    box_office, other_machine, admin, booking, starts
):
    old = tokens(box_office, admin, booking)
    first = box_office.keys.current("tickets")
    new_key_info, retired = box_office.keys.rotate(admin, "tickets")
    assert retired == [] and new_key_info.current and new_key_info.id != first.id
    new = tokens(other_machine, admin, booking)
    assert all(token.startswith(f"MQ2.{new_key_info.id}.") for token in new.values())
    assert scan(box_office, admin, old["A1"], starts).kind == VerdictKind.ADMIT
    assert scan(other_machine, admin, new["A2"], starts).kind == VerdictKind.ADMIT

    with pytest.raises(InvalidInput, match="is the current tickets key: rotate first"):
        box_office.keys.retire(admin, new_key_info.id)
    box_office.keys.retire(admin, first.id)
    refused = scan(other_machine, admin, old["A3"], starts)
    assert (refused.kind, refused.reason) == (VerdictKind.NOT_VALID, NOT_VALID)
    assert scan(box_office, admin, new["A3"], starts).kind == VerdictKind.ADMIT
    actions = [(e.action, e.target) for e in box_office.audit.entries(admin)]
    assert ("signing key rotated", new_key_info.id) in actions
    assert ("signing key retired", first.id) in actions


def test_a_retired_first_key_refuses_old_mq1_tickets(box_office, admin, booking, starts):
    first = box_office.keys.current("tickets")
    printed = legacy_token(
        Ticket(ticket_id(booking.id, "A1"), booking.reference, booking.showtime_id, "A1"),
        first.key,
    )
    box_office.keys.rotate(admin, "tickets", retire=[first.id])
    assert scan(box_office, admin, printed, starts).kind == VerdictKind.NOT_VALID


def test_rotating_sessions_keeps_signed_in_people_until_the_key_is_retired(
    box_office, other_machine, admin, ada
):
    first = box_office.keys.current("sessions")
    assert jwt.get_unverified_header(ada.token)["kid"] == first.id
    rotated, _ = box_office.keys.rotate(admin, "sessions")
    later = other_machine.auth.sign_in("ada", PASSWORD)
    assert jwt.get_unverified_header(later.token)["kid"] == rotated.id
    assert box_office.auth.actor_for(ada.token).subject == "ada"
    box_office.keys.retire(admin, first.id)
    with pytest.raises(SessionInvalid, match="not a valid session of this box office"):
        other_machine.auth.actor_for(ada.token)
    assert box_office.auth.actor_for(later.token).subject == "ada"


def test_rotation_checks_every_key_to_retire_before_writing(box_office, admin):
    sessions = box_office.keys.current("sessions")
    box_office.keys.current("tickets")
    with pytest.raises(InvalidInput, match="is not a tickets key"):
        box_office.keys.rotate(admin, "tickets", retire=[sessions.id])
    with pytest.raises(NotFound, match="no signing key 'nokey999'"):
        box_office.keys.rotate(admin, "tickets", retire=["nokey999"])
    with pytest.raises(InvalidInput, match="purpose: must be one of sessions, tickets"):
        box_office.keys.rotate(admin, "cookies")
    assert len(box_office.store.signing_keys.find({})) == 2


@pytest.mark.parametrize("role", ["manager", "staff", "kiosk", "customer", "public"])
def test_only_admins_see_and_change_keys(box_office, role):
    actor = Actor("someone", role, ("roxy",))
    for attempt in (
        lambda: box_office.keys.keys(actor),
        lambda: box_office.keys.rotate(actor, "tickets"),
        lambda: box_office.keys.retire(actor, "abcdefgh"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert box_office.store.signing_keys.find({}) == []


# -- key ids that name no key, or the wrong one ---------------------------------------------
def test_a_ticket_naming_an_unknown_or_another_key_is_not_valid(
    box_office, admin, booking, starts, ada
):
    token = tokens(box_office, admin, booking)["A1"]
    _, kid, payload, mac = token.split(".")
    session_kid = jwt.get_unverified_header(ada.token)["kid"]
    for named in ("zzzzzzzz", session_kid):
        verdict = scan(box_office, admin, f"MQ2.{named}.{payload}.{mac}", starts)
        assert (verdict.kind, verdict.reason) == (VerdictKind.NOT_VALID, NOT_VALID)
    # Signed well, but with a key of our own under the box office's key id.
    ticket = Ticket(ticket_id(booking.id, "A1"), booking.reference, booking.showtime_id, "A1")
    forged = sign(ticket, new_key(), kid)
    assert scan(box_office, admin, forged, starts).kind == VerdictKind.NOT_VALID
    assert scan(box_office, admin, token, starts).kind == VerdictKind.ADMIT


def hand_signed(header: dict, claims: dict, key: bytes) -> str:
    """A JWT with any header at all (PyJWT refuses to write some), signed HS256."""
    parts = [
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
        for part in (header, claims)
    ]
    signed = ".".join(parts)
    mac = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


# HS512 with our 32-byte key: PyJWT warns that the key is short for it (it is refused anyway).
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_session_naming_an_unknown_or_forged_key_is_refused(box_office, ada):
    claims = jwt.decode(ada.token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(ada.token)["kid"]
    ticket_kid = box_office.keys.current("tickets").id
    real = box_office.keys.current("sessions").key
    forged = {
        "unknown kid": jwt.encode(claims, real, algorithm="HS256", headers={"kid": "zzzzzzzz"}),
        "a ticket key's id": jwt.encode(
            claims, box_office.keys.current("tickets").key, headers={"kid": ticket_kid}
        ),
        "our kid, another key": jwt.encode(claims, new_key(), headers={"kid": kid}),
        "kid not a string": hand_signed({"alg": "HS256", "kid": [kid]}, claims, real),
        "kid of another shape": hand_signed({"alg": "HS256", "kid": kid + "\n"}, claims, real),
        "alg none": jwt.encode(claims, key="", algorithm="none", headers={"kid": kid}),
        "HS512": jwt.encode(claims, real, algorithm="HS512", headers={"kid": kid}),
    }
    good = hand_signed({"alg": "HS256", "typ": "JWT", "kid": kid}, claims, real)
    assert box_office.auth.actor_for(good).subject == "ada"  # hand signing is not the fault
    for kind, token in forged.items():
        with pytest.raises(SessionInvalid, match="not a valid session of this box office"):
            box_office.auth.actor_for(token)
            pytest.fail(kind)


def test_a_session_signature_with_flipped_spare_bits_is_refused(box_office, ada):
    # 32 bytes of signature are 43 base64 characters: the last has two bits to spare,
    # and a decoder ignores them. The token as signed is the only one accepted.
    head, signature = ada.token.rsplit(".", 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    for spare in (1, 2, 3):
        twin = f"{head}.{signature[:-1]}{alphabet[last ^ spare]}"
        assert base64.urlsafe_b64decode(twin.rsplit(".", 1)[1] + "=") == base64.urlsafe_b64decode(
            signature + "="
        )
        with pytest.raises(SessionInvalid):
            box_office.auth.actor_for(twin)
    assert box_office.auth.actor_for(ada.token).subject == "ada"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_character_change_fails(box_office, admin, booking, starts, ada, data):
    token = data.draw(st.sampled_from([*tokens(box_office, admin, booking).values(), ada.token]))
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != token[index]))
    altered = token[:index] + replacement + token[index + 1 :]
    if token == ada.token:
        with pytest.raises(SessionInvalid):
            box_office.auth.actor_for(altered)
    else:
        assert box_office.tickets.verify(altered) is None


def test_no_secret_is_logged_or_shown(box_office, admin, caplog):
    caplog.set_level(logging.DEBUG)
    (box_office.config.data_dir / "session.key").write_text(new_key().hex())
    box_office.keys.current("sessions")
    box_office.keys.current("tickets")
    box_office.keys.rotate(admin, "tickets")
    shown = [repr(key) for key in box_office.keys.keys(admin)]
    stored = box_office.store.signing_keys.find({})
    shown += [repr(key) + str(key) for key in stored]
    assert len(stored) == 3 and "signing_keys" in caplog.text  # the driver did log
    for key in stored:
        for text in (caplog.text, *shown):
            assert key.secret[:16] not in text and key.secret[-16:] not in text
