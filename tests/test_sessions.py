"""Sessions the server can end: sign-out, renewal of short access tokens, ending every
session of an account, and the limit of failed sign-ins per client address."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from booking_support import Clock

from core.bootstrap import open_box_office
from core.errors import (
    InvalidInput,
    PermissionDenied,
    SessionInvalid,
    SignInFailed,
    TooManySignIns,
)
from core.models import Theater
from core.services.access import Actor

PASSWORD = "correct horse"
WINDOW_S = 15 * 60


@pytest.fixture
def clock() -> Clock:
    # A minute into a fixed window of 15 minutes, so the wait it asks for is known.
    return Clock(start=(int(Clock().now) // WINDOW_S + 1) * WINDOW_S + 60)


@pytest.fixture
def opened(config, clock):
    """Box offices on the test's database with the test's clock (several share it)."""
    offices = []

    def open_(**sections):
        box_office = open_box_office(config.with_overrides(**sections), clock=clock)
        offices.append(box_office)
        return box_office

    yield open_
    for box_office in offices:
        box_office.close()


@pytest.fixture
def box_office(box_office, opened):
    """An admin (ada), a manager (mia) and staff (sam) at the rialto; the odeon too."""
    admin = Actor.local_admin()
    for theater_id in ("rialto", "odeon"):
        box_office.store.theaters.insert(Theater(id=theater_id, name=theater_id.title()))
    auth = box_office.auth
    auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    auth.add_user(admin, "mia", "Mia Manager", "manager", PASSWORD, ["rialto"])
    auth.add_user(admin, "sam", "Sam Staff", "staff", PASSWORD, ["rialto"])
    return opened()


def ada(box_office) -> Actor:
    return box_office.auth.actor_for(box_office.auth.sign_in("ada", PASSWORD).token)


def test_a_signed_out_token_is_refused_at_once(box_office):
    auth = box_office.auth
    token = auth.sign_in("sam", PASSWORD).token
    other = auth.sign_in("sam", PASSWORD).token  # another terminal of the same person
    assert auth.actor_for(token).subject == "sam"
    assert auth.sign_out(token) is True
    with pytest.raises(SessionInvalid, match="signed out"):
        auth.actor_for(token)
    with pytest.raises(SessionInvalid):
        auth.refresh(token)
    assert auth.sign_out(token) is False  # once is enough
    assert auth.actor_for(other).subject == "sam"  # only that session ended


def test_the_token_names_its_session_record(box_office):
    signed = box_office.auth.sign_in("sam", PASSWORD, client="10.0.0.7")
    claims = jwt.decode(signed.token, options={"verify_signature": False})
    record = box_office.store.sessions.get(claims["jti"])
    assert (record.user_id, record.role, record.client, record.device_id) == (
        signed.user.id,
        "staff",
        "10.0.0.7",
        "",
    )
    assert record.revoked_at is None and record.expires_at == signed.expires_at


def test_a_session_record_that_is_gone_refuses_its_token(box_office):
    token = box_office.auth.sign_in("sam", PASSWORD).token
    box_office.store.sessions.delete(jwt.decode(token, options={"verify_signature": False})["jti"])
    with pytest.raises(SessionInvalid):
        box_office.auth.actor_for(token)


def test_a_session_past_its_end_refuses_a_token_still_in_its_time(box_office, clock):
    token = box_office.auth.sign_in("sam", PASSWORD).token
    record = box_office.store.sessions.get(
        jwt.decode(token, options={"verify_signature": False})["jti"]
    )
    ended = record.model_copy(update={"expires_at": record.issued_at})  # e.g. a shorter setting
    box_office.store.sessions.replace(ended)
    with pytest.raises(SessionInvalid, match="expired"):
        box_office.auth.actor_for(token)


CHANGES = {
    "disabled": lambda auth, boss: auth.disable(boss, "sam"),
    "password reset": lambda auth, boss: auth.reset_password(boss, "sam", "a new password"),
    "role change": lambda auth, boss: auth.change_role(boss, "sam", "manager", ["rialto"]),
    "theaters change": lambda auth, boss: auth.change_role(boss, "sam", "staff", ["odeon"]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_the_account_ends_every_session_of_it(box_office, change):
    auth = box_office.auth
    boss = ada(box_office)
    tokens = [auth.sign_in("sam", PASSWORD).token for _ in range(2)]
    mia = auth.sign_in("mia", PASSWORD).token
    CHANGES[change](auth, boss)
    for token in tokens:
        with pytest.raises(SessionInvalid):
            auth.actor_for(token)
        with pytest.raises(SessionInvalid):
            auth.refresh(token)
    sam = box_office.store.users.by_login("sam")
    assert all(s.revoked_at for s in box_office.store.sessions.find({"user_id": sam.id}))
    assert auth.actor_for(mia).subject == "mia"  # other accounts go on


def test_a_role_change_is_signed_in_with_and_audited(box_office):
    auth = box_office.auth
    auth.change_role(ada(box_office), "sam", "manager", ["rialto", "odeon"])
    actor = auth.actor_for(auth.sign_in("sam", PASSWORD).token)
    assert (actor.role, actor.theaters) == ("manager", ("rialto", "odeon"))
    entry = box_office.store.audit.find({"action": "account role changed"})[0]
    assert entry.target == "sam" and entry.changes["role"] == ["staff", "manager"]


def test_who_may_change_a_role(box_office):
    auth = box_office.auth
    mia = auth.actor_for(auth.sign_in("mia", PASSWORD).token)
    with pytest.raises(PermissionDenied):
        auth.change_role(mia, "sam", "manager", ["rialto"])  # managers make no managers
    with pytest.raises(PermissionDenied):
        auth.change_role(mia, "sam", "staff", ["odeon"])  # nor staff elsewhere
    auth.change_role(mia, "sam", "staff", ["rialto"])
    with pytest.raises(InvalidInput, match="last admin"):
        auth.change_role(ada(box_office), "ada", "manager", ["rialto"])


def test_changing_ones_own_password_ends_the_other_sessions(box_office):
    auth = box_office.auth
    old = auth.sign_in("sam", PASSWORD).token
    sam = auth.actor_for(old)
    with pytest.raises(InvalidInput, match="current password"):
        auth.change_password(sam, "not the password", "a new password")
    fresh = auth.change_password(sam, PASSWORD, "a new password")
    with pytest.raises(SessionInvalid):
        auth.actor_for(old)
    assert auth.actor_for(fresh.token).subject == "sam"
    with pytest.raises(SignInFailed):
        auth.sign_in("sam", PASSWORD)


def test_renewing_gives_a_new_token_and_ends_the_old(box_office):
    auth = box_office.auth
    first = auth.sign_in("sam", PASSWORD, client="10.0.0.7")
    second = auth.refresh(first.token)
    assert second.token != first.token
    assert second.expires_at == first.expires_at  # the session does not grow
    with pytest.raises(SessionInvalid, match="renewed"):
        auth.actor_for(first.token)
    with pytest.raises(SessionInvalid):
        auth.refresh(first.token)  # a token renews once
    assert auth.actor_for(second.token).subject == "sam"


def test_access_tokens_are_short_and_renewed_up_to_the_sessions_end(box_office, clock):
    auth = box_office.auth
    signed = auth.sign_in("sam", PASSWORD)
    now = dt.datetime.fromtimestamp(clock(), dt.UTC)
    assert signed.token_expires_at == now + dt.timedelta(minutes=30)
    assert signed.expires_at == now + dt.timedelta(hours=12)
    clock.advance(30 * 60 + 1)
    with pytest.raises(SessionInvalid, match="expired"):
        auth.actor_for(signed.token)
    token = auth.refresh(signed.token).token  # the session goes on
    for _ in range(23):
        clock.advance(29 * 60)
        token = auth.refresh(token).token
    assert auth.actor_for(token).subject == "sam"
    clock.advance(29 * 60)  # past 12 hours from the sign-in
    with pytest.raises(SessionInvalid, match="expired"):
        auth.refresh(token)


def test_customer_sessions_follow_their_own_setting(box_office, clock):
    session = box_office.customers.register("ann@example.com", PASSWORD)
    now = dt.datetime.fromtimestamp(clock(), dt.UTC)
    assert session.expires_at == session.token_expires_at == now + dt.timedelta(minutes=30)
    assert box_office.auth.actor_for(session.token).role == "customer"


def test_failed_sign_ins_are_limited_per_client_across_box_offices(box_office, opened, monkeypatch):
    """Two box offices (two server processes) on one database share the count."""
    from core.services import auth as auth_module

    first, second = opened(), opened()
    assert first.config.auth.max_failed_signins_per_client == 20  # the default
    for attempt in range(20):
        auth = (first, second)[attempt % 2].auth
        login = f"nobody{attempt}" if attempt % 3 else "mia"  # never five on one account
        with pytest.raises(SignInFailed):
            auth.sign_in(login, "wrong password", client="203.0.113.9")
    checks = []
    monkeypatch.setattr(auth_module.bcrypt, "checkpw", lambda *a: checks.append(a) or True)
    for box_office in (first, second):
        with pytest.raises(TooManySignIns) as refused:
            box_office.auth.sign_in("sam", PASSWORD, client="203.0.113.9")
        assert str(refused.value) == (
            "too many failed sign-ins from this address; wait 14 minutes and try again"
        )
    assert checks == []  # no password was checked
    monkeypatch.undo()
    assert second.auth.sign_in("sam", PASSWORD, client="203.0.113.10").user.login == "sam"
    assert second.auth.sign_in("sam", PASSWORD).user.login == "sam"  # in-process: no address


def test_the_client_window_ends(box_office, opened, clock):
    limited = opened(auth={"max_failed_signins_per_client": 2, "client_window_minutes": 5})
    for _ in range(2):
        with pytest.raises(SignInFailed):
            limited.auth.sign_in("nobody", "wrong password", client="::1")
    with pytest.raises(TooManySignIns, match="wait 4 minutes"):
        limited.auth.sign_in("sam", PASSWORD, client="::1")
    clock.advance(4 * 60)
    assert limited.auth.sign_in("sam", PASSWORD, client="::1").user.login == "sam"


def test_a_client_address_is_kept_as_one_printable_line(box_office):
    signed = box_office.auth.sign_in("sam", PASSWORD, client="10.0.0.7\x1b[2J" + "9" * 200)
    claims = jwt.decode(signed.token, options={"verify_signature": False})
    client = box_office.store.sessions.get(claims["jti"]).client
    assert client.startswith("10.0.0.7\\x1b[2J") and len(client) == 100
