"""Sign-in: bcrypt passwords, JWT sessions, lockout, account administration."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import jwt
import pytest

from core.errors import AlreadyExists, InvalidInput, PermissionDenied, SessionInvalid, SignInFailed
from core.services.access import Actor

PASSWORD = "correct horse"


@pytest.fixture
def accounts(box_office, admin):
    """An admin, a manager and a staff member at the two demo-like theaters."""
    from booking_support import make_hall  # noqa: F401  (a theater is all we need)

    from core.models import Theater

    for theater_id in ("rialto", "odeon"):
        box_office.store.theaters.insert(Theater(id=theater_id, name=theater_id.title()))
    auth = box_office.auth
    auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    boss = auth.actor_for(auth.sign_in("ada", PASSWORD).token)
    auth.add_user(boss, "mia", "Mia Manager", "manager", PASSWORD, ["rialto"])
    mia = auth.actor_for(auth.sign_in("mia", PASSWORD).token)
    auth.add_user(mia, "sam", "Sam Staff", "staff", PASSWORD, ["rialto"])
    return box_office


def test_a_session_names_the_account_role_and_theaters(accounts):
    auth = accounts.auth
    signed = auth.sign_in("MIA", PASSWORD)  # names compare without case
    actor = auth.actor_for(signed.token)
    assert actor == Actor("mia", "manager", ("rialto",), user_id=signed.user.id)
    claims = jwt.decode(signed.token, options={"verify_signature": False})
    assert {"sub", "role", "theaters", "iat", "exp"} <= set(claims)
    assert accounts.store.users.by_login("mia").password_hash.startswith("$2b$")
    assert PASSWORD not in accounts.store.users.by_login("mia").password_hash


def test_only_the_first_account_may_be_created_without_signing_in(box_office, admin):
    auth = box_office.auth
    with pytest.raises(PermissionDenied):
        auth.add_user(Actor.public(), "x1", "X", "manager", PASSWORD, [])  # not an admin first
    auth.add_user(Actor.public(), "first", "First", "admin", PASSWORD)
    with pytest.raises(PermissionDenied):
        auth.add_user(Actor.public(), "second", "Second", "admin", PASSWORD)
    with pytest.raises(AlreadyExists):
        auth.add_user(admin, "First", "Again", "admin", PASSWORD)


def test_managers_create_staff_of_their_own_theaters_only(accounts):
    auth = accounts.auth
    mia = auth.actor_for(auth.sign_in("mia", PASSWORD).token)
    with pytest.raises(PermissionDenied):
        auth.add_user(mia, "otto", "Otto", "staff", PASSWORD, ["odeon"])
    with pytest.raises(PermissionDenied):
        auth.add_user(mia, "max", "Max", "manager", PASSWORD, ["rialto"])
    sam = auth.actor_for(auth.sign_in("sam", PASSWORD).token)
    with pytest.raises(PermissionDenied):
        auth.add_user(sam, "tim", "Tim", "staff", PASSWORD, ["rialto"])
    with pytest.raises(InvalidInput, match="at least 8"):
        auth.add_user(mia, "tim", "Tim", "staff", "short", ["rialto"])


def test_five_failures_lock_the_account_with_the_same_message(accounts, config):
    from core.bootstrap import open_box_office

    now = [time.time()]
    box_office = open_box_office(config, clock=lambda: now[0])
    try:
        messages = set()
        for _ in range(5):
            with pytest.raises(SignInFailed) as failed:
                box_office.auth.sign_in("sam", "wrong password")
            messages.add(str(failed.value))
        with pytest.raises(SignInFailed) as locked:
            box_office.auth.sign_in("sam", PASSWORD)  # right password, locked account
        with pytest.raises(SignInFailed) as nobody:
            box_office.auth.sign_in("nobody-here", PASSWORD)
        assert messages == {str(locked.value)} == {str(nobody.value)}
        now[0] += 15 * 60 + 1
        assert box_office.auth.sign_in("sam", PASSWORD).user.login == "sam"
    finally:
        box_office.close()


def test_a_success_resets_the_count_of_failures(accounts):
    auth = accounts.auth
    for _ in range(4):
        with pytest.raises(SignInFailed):
            auth.sign_in("sam", "wrong password")
    auth.sign_in("sam", PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            auth.sign_in("sam", "wrong password")
    assert auth.sign_in("sam", PASSWORD).user.login == "sam"


def forged_tokens(valid: str) -> dict[str, str]:
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    promoted = dict(claims, role="admin", theaters=[])
    encode = lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()  # noqa: E731
    return {
        "tampered": f"{header}.{encode(promoted)}.{signature}",
        "alg none": jwt.encode(promoted, key="", algorithm="none"),
        "other key": jwt.encode(promoted, key="not-our-key-" * 4, algorithm="HS256"),
        "truncated": valid[: len(valid) // 2],
        "garbage": "not.a.token",
        "empty": "",
    }


@pytest.mark.parametrize(
    "kind", ["tampered", "alg none", "other key", "truncated", "garbage", "empty"]
)
def test_forged_tokens_are_refused(accounts, kind):
    token = forged_tokens(accounts.auth.sign_in("sam", PASSWORD).token)[kind]
    with pytest.raises(SessionInvalid):
        accounts.auth.actor_for(token)


def test_an_expired_session_is_refused(accounts, config):
    from core.bootstrap import open_box_office

    box_office = open_box_office(config, clock=lambda: time.time() - 13 * 3600)
    try:
        old = box_office.auth.sign_in("sam", PASSWORD).token
    finally:
        box_office.close()
    with pytest.raises(SessionInvalid, match="expired"):
        accounts.auth.actor_for(old)


def test_disabling_or_a_new_password_ends_sessions(accounts):
    auth = accounts.auth
    ada = auth.actor_for(auth.sign_in("ada", PASSWORD).token)
    sam_token = auth.sign_in("sam", PASSWORD).token
    auth.reset_password(ada, "sam", "a new password")
    with pytest.raises(SessionInvalid):
        auth.actor_for(sam_token)
    token = auth.sign_in("sam", "a new password").token
    auth.disable(ada, "sam")
    with pytest.raises(SessionInvalid):
        auth.actor_for(token)
    with pytest.raises(SignInFailed):
        auth.sign_in("sam", "a new password")
    with pytest.raises(InvalidInput, match="last admin"):
        auth.disable(ada, "ada")


def test_session_expiry_follows_the_config(accounts):
    signed = accounts.auth.sign_in("sam", PASSWORD)
    lasts = signed.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=11, minutes=59) < lasts <= dt.timedelta(hours=12)


def test_a_new_password_keeps_the_account_disabled_or_enabled_as_it_was(accounts):
    auth = accounts.auth
    ada = auth.actor_for(auth.sign_in("ada", PASSWORD).token)
    auth.add_user(ada, "ivy", "Ivy Staff", "staff", PASSWORD, ["rialto"])
    auth.disable(ada, "sam")

    assert auth.reset_password(ada, "sam", "a new password").disabled is True
    with pytest.raises(SignInFailed):
        auth.sign_in("sam", "a new password")
    assert accounts.store.users.by_login("sam").disabled is True

    assert auth.reset_password(ada, "ivy", "a new password").disabled is False
    assert auth.sign_in("ivy", "a new password").user.login == "ivy"


def cost_of(hashed: bytes | str) -> int:
    text = hashed.decode() if isinstance(hashed, bytes) else hashed
    return int(text.split("$")[2])


def test_every_refused_sign_in_does_the_work_of_the_configured_cost(config, monkeypatch):
    """An unknown name, a customer at the staff sign-in, a disabled or a locked account
    are checked against a hash of the same cost as a real password: no timing tells."""
    import bcrypt

    from core.bootstrap import open_box_office
    from core.services import auth as auth_module

    cost = 5  # not the tests' usual 4: the stand-in must follow the configuration
    box_office = open_box_office(config.with_overrides(auth={"bcrypt_cost": cost}))
    checked: list[int] = []
    real_checkpw = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        checked.append(cost_of(hashed))
        return real_checkpw(password, hashed)

    monkeypatch.setattr(auth_module.bcrypt, "checkpw", spy)
    try:
        auth = box_office.auth
        auth.add_user(Actor.local_admin(), "ada", "Ada", "admin", PASSWORD)
        boss = auth.actor_for(auth.sign_in("ada", PASSWORD).token)
        assert cost_of(box_office.store.users.by_login("ada").password_hash) == cost
        auth.add_user(boss, "bob", "Bob", "admin", PASSWORD)
        auth.disable(boss, "bob")
        checked.clear()
        for login in ("nobody-here", "bob"):
            with pytest.raises(SignInFailed):
                auth.sign_in(login, PASSWORD)
        with pytest.raises(SignInFailed):
            auth.sign_in("ada", PASSWORD, customer=True)
        for _ in range(6):  # five wrong passwords lock the account; the sixth try is locked
            with pytest.raises(SignInFailed):
                auth.sign_in("ada", "wrong password")
        assert box_office.store.users.by_login("ada").locked_until
        assert checked == [cost] * 9
        assert cost_of(auth_module.stand_in_hash(cost)) == cost
    finally:
        box_office.close()
