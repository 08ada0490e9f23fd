"""Session tokens of signed-in people: short-lived JWTs, each backed by a record the
server can end at once.

A token carries the account id, role, theaters, issue and expiry times, the account's
session version and its ``jti``, the id of its session record. Every use reads that
record by ``_id`` (and the account): a token signed out, renewed, ended by a new
password, a role change or a disabled account, or past the session's end is refused
at once. The token's header names the session key that signed it (``kid``, see
core.services.keys). Tokens signed with anything but HS256 and a session key of this
box office that still verifies are refused, ``alg: none`` included, and so is a
signature not written the one way base64url writes it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.utils import base64url_decode, base64url_encode

from core.accounts import SignInSession, User
from core.clock import Clock, utc_at
from core.config import AuthConfig
from core.errors import NotFound, SessionInvalid
from core.repo.store import Store
from core.services.keys import SigningKeys

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "exp", "iat", "role", "ver", "jti"]


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    expires_at: dt.datetime  # the end of the session: renewing cannot go past it
    token_expires_at: dt.datetime  # the end of this access token: renew it before


class SessionTokens:
    def __init__(self, store: Store, settings: AuthConfig, keys: SigningKeys, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._keys = keys
        self._clock = clock

    def issue(
        self,
        user: User,
        *,
        client: str = "",
        device_id: str = "",
        ends_at: dt.datetime | None = None,
    ) -> Session:
        """A token and its session record; ``ends_at`` carries a renewed session's end."""
        now = utc_at(int(self._clock()))  # tokens carry whole seconds
        if user.role == "customer":
            lasts = dt.timedelta(minutes=self._settings.customer_session_minutes)
            token_lasts = lasts
        else:
            lasts = dt.timedelta(hours=self._settings.staff_session_hours)
            token_lasts = dt.timedelta(minutes=self._settings.access_token_minutes)
        ends_at = ends_at or now + lasts
        token_ends = min(now + token_lasts, ends_at)
        record = SignInSession(
            id=secrets.token_hex(16),
            user_id=user.id,
            role=user.role,
            issued_at=now,
            expires_at=ends_at,
            client=client,
            device_id=device_id,
        )
        self._store.sessions.insert(record)
        claims = {
            "sub": user.id,
            "login": user.login,
            "role": user.role,
            "theaters": user.theaters,
            "ver": user.session_version,
            "iat": int(now.timestamp()),
            "exp": int(token_ends.timestamp()),
            "jti": record.id,
        }
        key = self._keys.current("sessions")
        token = jwt.encode(claims, key.key, algorithm=ALGORITHM, headers={"kid": key.id})
        return Session(token, user, ends_at, token_ends)

    def claims(self, token: str, *, expired_ok: bool = False) -> dict[str, Any]:
        """The claims of a token this box office signed; an expired one only for
        ``expired_ok`` (renewing and signing out go by the session's own end). Times
        are checked here, against the box office's clock."""
        try:
            claims = self._verified(token)
        except jwt.InvalidTokenError:
            raise SessionInvalid("it is not a valid session of this box office") from None
        if not all(isinstance(claims[name], int) for name in ("iat", "exp")):
            raise SessionInvalid("it is not a valid session of this box office")
        if claims["iat"] > self._clock() + 60:
            raise SessionInvalid("it was issued in the future")
        if claims["exp"] <= self._clock() and not expired_ok:
            raise SessionInvalid("it has expired")
        return claims

    def _verified(self, token: str) -> dict[str, Any]:
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
    def _decode(token: str, key: bytes) -> dict[str, Any]:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )

    def record(self, claims: dict[str, Any]) -> SignInSession:
        """The session record of a token: refused when missing, ended or past its end."""
        record = self._store.sessions.find_one(str(claims["jti"]))
        if record is None or record.user_id != claims["sub"]:
            raise SessionInvalid("it was ended")
        if record.revoked_at is not None:
            raise SessionInvalid(f"it was ended: {record.ended or 'signed out'}")
        if record.expires_at.timestamp() <= self._clock():
            raise SessionInvalid("it has expired")
        return record

    def account(self, claims: dict[str, Any]) -> User:
        """The account of a token, still allowed to use it."""
        try:
            user = self._store.users.get(str(claims["sub"]))
        except NotFound:
            raise SessionInvalid("the account no longer exists") from None
        if user.disabled or user.session_version != claims["ver"]:
            raise SessionInvalid(
                "it was ended by a new password, a role change or the account was disabled"
            )
        return user

    def end(self, session_id: str, why: str) -> bool:
        return self._store.sessions.revoke(session_id, self._clock(), why)

    def end_all(self, user_id: str, why: str) -> None:
        self._store.sessions.revoke_of_user(user_id, self._clock(), why)
