"""Signing in: bcrypt passwords, JWT sessions (HS256), lockout after failed tries.

A session token carries the account id, role, theaters, issue and expiry times
and the account's session version, and is checked against the account on every
use: a disabled account or a reset password ends its sessions at once. The
token's header names the session key that signed it (``kid``, see
core.services.keys); a token without one is from before keys had ids and was
signed with the first session key or one imported from another machine's file.
Tokens signed with anything but HS256 and a session key of this box office that
still verifies are refused, ``alg: none`` included, and so is a signature not
written the one way base64url writes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import time
from dataclasses import dataclass

import bcrypt
import jwt
from jwt.utils import base64url_decode, base64url_encode

from core.accounts import STAFF_LOGIN, STAFF_ROLES, User, normal_login
from core.clock import Clock, utc_at
from core.config import Config
from core.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SessionInvalid,
    SignInFailed,
)
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.keys import SigningKeys
from core.services.validation import build

ALGORITHM = "HS256"
MIN_PASSWORD = 8


@functools.cache
def stand_in_hash(cost: int) -> bytes:
    """A hash of the configured cost, checked when there is no usable account, so that
    a miss takes the same work as a wrong password. Made once per process, on first need."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(cost))


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    expires_at: dt.datetime


def check_password(password: str) -> bytes:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD} characters")
    if len(password.encode()) > 72:
        raise InvalidInput("password", "must be at most 72 bytes")  # bcrypt's limit
    return password.encode()


class AuthService:
    def __init__(
        self,
        store: Store,
        access: Access,
        config: Config,
        keys: SigningKeys,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._access = access
        self._settings = config.auth
        self._keys = keys
        self._clock = clock

    # -- accounts of the staff ------------------------------------------------------------
    def has_accounts(self) -> bool:
        return self._store.users.has_staff()

    def add_user(
        self,
        actor: Actor,
        login: str,
        name: str,
        role: str,
        password: str,
        theaters: list[str] | None = None,
        *,
        demo: bool = False,
    ) -> User:
        """A staff, manager or admin account. On an empty box office anyone may
        create the first admin; after that only admins create managers and admins,
        and managers create staff of their own theaters. ``demo`` marks one of the
        demo's accounts."""
        theaters = list(dict.fromkeys(theaters or []))
        if role not in STAFF_ROLES:
            raise InvalidInput("role", f"must be one of {', '.join(STAFF_ROLES)}")
        if not STAFF_LOGIN.match(login.strip().lower()):
            raise InvalidInput("login", "2-40 letters, digits, dots or dashes, first a letter")
        if self.has_accounts():
            self._require_may_manage(actor, role, theaters)
        elif role != "admin":
            raise PermissionDenied("create other accounts before the first admin")
        if role in {"staff", "manager"} and not theaters:
            raise InvalidInput("theaters", f"a {role} works at one or more theaters")
        for theater_id in theaters:
            self._store.theaters.get(theater_id)
        user = self.insert_account(actor, login, name, role, password, theaters, demo=demo)
        self._access.record(
            actor,
            "account added",
            user.login,
            changes={"role": user.role, "theaters": theaters, "demo": demo},
        )
        return user

    def users(self, actor: Actor) -> list[User]:
        self._access.require(actor, "users.read")
        users = self._store.users.staff()
        if actor.role == "admin":
            return users
        return [u for u in users if set(u.theaters) & set(actor.theaters)]

    def disable(self, actor: Actor, login: str) -> User:
        user = self._account(login)
        self._require_may_manage(actor, user.role, user.theaters)
        if user.role == "admin" and self._active_admins() <= 1 and not user.disabled:
            raise InvalidInput("login", "the last admin cannot be disabled")
        self._store.users.end_sessions(user.id, disabled=True)
        self._access.record(actor, "account disabled", user.login)
        return self._store.users.get(user.id)

    def reset_password(self, actor: Actor, login: str, password: str) -> User:
        user = self._account(login)
        self._require_may_manage(actor, user.role, user.theaters)
        hashed = self._hash(password)
        # A disabled account stays disabled: a new password is not a way back in.
        self._store.users.end_sessions(
            user.id, password_hash=hashed, failed_signins=0, locked_until=None
        )
        self._access.record(actor, "password reset", user.login)
        return self._store.users.get(user.id)

    # -- sessions -------------------------------------------------------------------------
    def sign_in(self, login: str, password: str, *, customer: bool = False) -> Session:
        """A session for the right password; the same refusal for every kind of failure."""
        user = self._store.users.by_login(normal_login(login))
        given = password.encode()[:72]
        unusable = user is None or (user.role == "customer") != customer
        if unusable or user.disabled or (user.locked_until or 0) > self._clock():
            # The same work as checking a real password: the time taken tells nothing.
            bcrypt.checkpw(given, stand_in_hash(self._settings.bcrypt_cost))
            raise SignInFailed()
        if not bcrypt.checkpw(given, user.password_hash.encode()):
            lock_for_s = self._settings.lockout_minutes * 60
            self._store.users.count_failure(
                user.id, self._clock(), self._settings.max_failed_signins, lock_for_s
            )
            raise SignInFailed()
        if user.failed_signins:
            self._store.users.clear_failures(user.id)
        return self.session_for(user)

    def session_for(self, user: User) -> Session:
        now = self._whole_second_now()
        if user.role == "customer":
            lasts = dt.timedelta(minutes=self._settings.customer_session_minutes)
        else:
            lasts = dt.timedelta(hours=self._settings.staff_session_hours)
        claims = {
            "sub": user.id,
            "login": user.login,
            "role": user.role,
            "theaters": user.theaters,
            "ver": user.session_version,
            "iat": int(now.timestamp()),
            "exp": int((now + lasts).timestamp()),
            "jti": secrets.token_hex(8),
        }
        key = self._keys.current("sessions")
        token = jwt.encode(claims, key.key, algorithm=ALGORITHM, headers={"kid": key.id})
        return Session(token, user, now + lasts)

    def actor_for(self, token: str) -> Actor:
        """The actor a session token stands for; SessionInvalid for anything else."""
        try:
            claims = self._claims(token)
        except jwt.ExpiredSignatureError:
            raise SessionInvalid("it has expired") from None
        except jwt.InvalidTokenError:
            raise SessionInvalid("it is not a valid session of this box office") from None
        if claims["iat"] > self._clock() + 60:
            raise SessionInvalid("it was issued in the future")
        try:
            user = self._store.users.get(str(claims["sub"]))
        except NotFound:
            raise SessionInvalid("the account no longer exists") from None
        if user.disabled or user.session_version != claims["ver"]:
            raise SessionInvalid("it was ended by a password change or the account was disabled")
        return Actor(
            subject=user.login, role=user.role, theaters=tuple(user.theaters), user_id=user.id
        )

    # -- inside ---------------------------------------------------------------------------
    def insert_account(self, actor, login, name, role, password, theaters, **extra) -> User:
        """Store a new account (callers have checked who may create it)."""
        user = build(
            User,
            id=secrets.token_hex(8),
            login=login,
            name=name,
            role=role,
            theaters=theaters,
            password_hash=self._hash(password),
            created_at=self._whole_second_now(),
            created_by=actor.subject,
            **extra,
        )
        try:
            return self._store.users.insert(user)
        except AlreadyExists:
            raise AlreadyExists("account", user.login) from None

    def _require_may_manage(self, actor: Actor, role: str, theaters: list[str]) -> None:
        if role != "staff":
            self._access.require(actor, "users.manage")
            return
        self._access.require(actor, "users.staff")
        for theater_id in theaters:
            self._access.require(actor, "users.staff", theater_id)

    def _account(self, login: str) -> User:
        user = self._store.users.by_login(normal_login(login))
        if user is None or user.role == "customer":
            raise NotFound("account", login)
        return user

    def _active_admins(self) -> int:
        return self._store.users.enabled_admins()

    def _hash(self, password: str) -> str:
        rounds = self._settings.bcrypt_cost
        return bcrypt.hashpw(check_password(password), bcrypt.gensalt(rounds)).decode()

    def _claims(self, token: str) -> dict:
        """The claims of a token signed by a session key that still verifies: the one its
        header names, or for a token from before keys had ids, the keys that may have
        signed it. InvalidTokenError for anything else, and for a signature base64url
        would not write that way."""
        header = jwt.get_unverified_header(token)
        signature = token.rsplit(".", 1)[-1]
        try:
            canonical = base64url_encode(base64url_decode(signature)).decode("ascii")
        except ValueError:  # binascii.Error: not base64 at all
            canonical = ""
        if canonical != signature:
            raise jwt.InvalidSignatureError("not a signature as base64url writes it")
        key_id = header.get("kid")
        if key_id is None:
            keys = self._keys.legacy("sessions")
        else:
            keys = [key for key in [self._keys.verifying("sessions", key_id)] if key is not None]
        if not keys:
            raise jwt.InvalidSignatureError("no such session key, or it was retired")
        for key in keys[:-1]:
            try:
                return self._decode(token, key)
            except jwt.InvalidSignatureError:
                continue  # an older machine's key, maybe
        return self._decode(token, keys[-1])

    @staticmethod
    def _decode(token: str, key: bytes) -> dict:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat", "role", "ver"]},
            leeway=0,
        )

    def _whole_second_now(self) -> dt.datetime:
        # Tokens carry whole seconds; sessions must compare equal to their claims.
        return utc_at(int(self._clock()))
