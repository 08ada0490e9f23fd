"""Signing in: bcrypt passwords, revocable JWT sessions (see ``core.services.sessions``),
lockout of an account after failed tries, and a limit of failures per client address.

A disabled account, a new password and a change of role or theaters end every session
of the account at once. Tokens are signed and read by
``core.services.sessions`` with the box office's session keys (``core.services.keys``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import secrets
import time

import bcrypt

from core.accounts import STAFF_LOGIN, STAFF_ROLES, User, normal_login
from core.clock import Clock, utc_at
from core.config import Config
from core.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    NotStaffHere,
    PermissionDenied,
    SessionInvalid,
    SignInFailed,
    TooManySignIns,
)
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.keys import SigningKeys
from core.services.sessions import ALGORITHM, Session, SessionTokens
from core.services.validation import build
from core.text import printable

__all__ = ["ALGORITHM", "AuthService", "Session", "check_password", "stand_in_hash"]
MIN_PASSWORD = 8


@functools.cache
def stand_in_hash(cost: int) -> bytes:
    """A hash of the configured cost, checked when there is no usable account, so that
    a miss takes the same work as a wrong password. Made once per process, on first need."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(cost))


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
        self._country = config.box_office.country  # where a customer's number is from
        self._keys = keys
        self._clock = clock
        self._sessions = SessionTokens(store, config.auth, keys, clock)

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
        self._end_sessions(user.id, "the account was disabled", disabled=True)
        self._access.record(actor, "account disabled", user.login)
        return self._store.users.get(user.id)

    def reset_password(self, actor: Actor, login: str, password: str) -> User:
        user = self._account(login)
        self._require_may_manage(actor, user.role, user.theaters)
        hashed = self._hash(password)
        # A disabled account stays disabled: a new password is not a way back in.
        self._end_sessions(
            user.id,
            "a new password",
            password_hash=hashed,
            failed_signins=0,
            locked_until=None,
        )
        self._access.record(actor, "password reset", user.login)
        return self._store.users.get(user.id)

    def change_role(self, actor: Actor, login: str, role: str, theaters: list[str]) -> User:
        """Give an account another role or other theaters; its sessions end (the next
        sign-in carries the new ones). Who may manage the account as it is and as it
        becomes may do it."""
        user = self._account(login)
        theaters = list(dict.fromkeys(theaters))
        if role not in STAFF_ROLES:
            raise InvalidInput("role", f"must be one of {', '.join(STAFF_ROLES)}")
        if role in {"staff", "manager"} and not theaters:
            raise InvalidInput("theaters", f"a {role} works at one or more theaters")
        self._require_may_manage(actor, user.role, user.theaters)
        self._require_may_manage(actor, role, theaters)
        for theater_id in theaters:
            self._store.theaters.get(theater_id)
        last_admin = user.role == "admin" and not user.disabled and self._active_admins() <= 1
        if last_admin and role != "admin":
            raise InvalidInput("role", "the last admin stays an admin")
        self._end_sessions(user.id, "a role change", role=role, theaters=theaters)
        changes = {"role": [user.role, role], "theaters": [user.theaters, theaters]}
        self._access.record(actor, "account role changed", user.login, changes=changes)
        return self._store.users.get(user.id)

    def change_password(self, actor: Actor, current: str, new: str) -> Session:
        """One's own new password: every session of the account ends, and a new one
        (at the same device, if any) is given back."""
        user = self._store.users.get(actor.user_id) if actor.user_id else None
        if user is None or user.login != actor.subject:
            raise PermissionDenied("change a password without signing in")
        if not bcrypt.checkpw(current.encode()[:72], user.password_hash.encode()):
            raise InvalidInput("current password", "is not right")
        self._end_sessions(user.id, "a new password", password_hash=self._hash(new))
        self._access.record(actor, "password changed", user.login)
        return self._sessions.issue(self._store.users.get(user.id), device_id=actor.device_id)

    # -- sessions -------------------------------------------------------------------------
    def sign_in(
        self,
        login: str,
        password: str,
        *,
        customer: bool = False,
        client: str = "",
        device: Actor | None = None,
    ) -> Session:
        """A session for the right password; the same refusal for every kind of failure.

        ``client`` is the caller's address (a server passes it): too many failures from
        one address make it wait, and then no password is checked. ``device`` is the
        counter terminal signed in at: only people who work at its theater may."""
        client = printable(client)[:100]  # an address as the server saw it: one line
        if client:
            self._refuse_busy_client(client)
        try:
            user = self._checked_account(login, password, customer)
        except SignInFailed:
            if client:
                window_start, window_end = self._client_window()
                self._store.signin_failures.count_failure(client, window_start, window_end)
            raise
        if device is not None:
            self._require_may_sign_in_at(user, device)
        return self.session_for(user, client=client, device_id=device.device_id if device else "")

    def session_for(self, user: User, *, client: str = "", device_id: str = "") -> Session:
        """A new session of ``user`` (who has just proved who they are)."""
        return self._sessions.issue(user, client=client, device_id=device_id)

    def actor_for(self, token: str) -> Actor:
        """The actor a session token stands for; SessionInvalid for anything else."""
        claims = self._sessions.claims(token)
        record = self._sessions.record(claims)
        user = self._sessions.account(claims)
        return Actor(
            subject=user.login,
            role=user.role,
            theaters=tuple(user.theaters),
            user_id=user.id,
            device_id=record.device_id,
        )

    def refresh(self, token: str) -> Session:
        """A fresh token for a session still in use (the old one is ended), up to the
        session's end. An access token past its own expiry may be renewed: the session
        record, not the token, says whether the session goes on."""
        claims = self._sessions.claims(token, expired_ok=True)
        record = self._sessions.record(claims)
        try:
            user = self._sessions.account(claims)
        except SessionInvalid:
            self._sessions.end(record.id, "the account changed")
            raise
        if not self._sessions.end(record.id, "renewed"):
            raise SessionInvalid("it was renewed or signed out already")
        return self._sessions.issue(
            user, client=record.client, device_id=record.device_id, ends_at=record.expires_at
        )

    def sign_out(self, token: str) -> bool:
        """End the session of ``token`` at once; whether it was still in use. A token
        this box office did not sign is refused (SessionInvalid)."""
        claims = self._sessions.claims(token, expired_ok=True)
        return self._sessions.end(str(claims["jti"]), "signed out")

    def end_device_sessions(self, device_id: str) -> None:
        """End every session signed in at a counter terminal (it was revoked)."""
        self._store.sessions.revoke_of_device(device_id, self._clock(), "the device was revoked")

    # -- inside ---------------------------------------------------------------------------
    def _by_login(self, login: str) -> User | None:
        """The account of ``login``; a phone number in E.164, else as an account made
        before numbers were stored so (its digits as typed)."""
        try:
            user = self._store.users.by_login(normal_login(login, self._country))
        except InvalidInput:
            user = None
        return user or self._store.users.by_login(normal_login(login))

    def _checked_account(self, login: str, password: str, customer: bool) -> User:
        user = self._by_login(login)
        given = password.encode()[:72]
        if (
            user is None
            or (user.role == "customer") != customer
            or user.disabled
            or (user.locked_until or 0) > self._clock()
        ):
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
        return user

    def _client_window(self) -> tuple[float, float]:
        """The fixed window failures are counted in now: its start and end (epoch s)."""
        size = self._settings.client_window_minutes * 60
        start = math.floor(self._clock() / size) * size
        return start, start + size

    def _refuse_busy_client(self, client: str) -> None:
        window_start, window_end = self._client_window()
        failures = self._store.signin_failures.failures(client, window_start)
        if failures >= self._settings.max_failed_signins_per_client:
            raise TooManySignIns(max(1, math.ceil((window_end - self._clock()) / 60)))

    def _require_may_sign_in_at(self, user: User, device: Actor) -> None:
        if device.role != "counter" or not device.device_id or len(device.theaters) != 1:
            raise PermissionDenied("sign in at a terminal that is not a counter")
        if user.role not in STAFF_ROLES:
            raise PermissionDenied("sign in at a counter (staff only)")
        if user.role != "admin" and device.theaters[0] not in user.theaters:
            names = {t.id: f"{t.name} ({t.id})" for t in self._store.theaters.find()}
            raise NotStaffHere(
                names.get(device.theaters[0], device.theaters[0]),
                [names.get(t, t) for t in user.theaters],
            )

    def _end_sessions(self, user_id: str, why: str, **fields) -> None:
        """Change the account and end every session of it at once."""
        self._store.users.end_sessions(user_id, **fields)
        self._sessions.end_all(user_id, why)

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
        user = self._by_login(login)
        if user is None or user.role == "customer":
            raise NotFound("account", login)
        return user

    def _active_admins(self) -> int:
        return self._store.users.enabled_admins()

    def _hash(self, password: str) -> str:
        rounds = self._settings.bcrypt_cost
        return bcrypt.hashpw(check_password(password), bcrypt.gensalt(rounds)).decode()

    def _whole_second_now(self) -> dt.datetime:
        # Tokens carry whole seconds; sessions must compare equal to their claims.
        return utc_at(int(self._clock()))
