"""Terminals paired with the box office: adding one (a one-time pairing code), pairing
(the code exchanged once for a device token), the actor a device token stands for,
listing and revoking.

Only SHA-256 hashes of codes and tokens are stored: a copy of the database pairs
nothing and acts as no device. A device's identity comes from its token alone.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from core.clock import Clock, utc_at
from core.config import Config
from core.devices import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEVICE_KINDS,
    TOKEN_PREFIX,
    Device,
    digest,
    grouped_code,
    normal_code,
)
from core.errors import AlreadyExists, DeviceInvalid, InvalidInput, NotFound, PairingFailed
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.auth import AuthService
from core.services.validation import build

SEEN_EVERY_S = 60  # last_seen is written at most this often


class DeviceService:
    def __init__(
        self,
        store: Store,
        access: Access,
        auth: AuthService,
        config: Config,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._access = access
        self._auth = auth
        self._pairing_minutes = config.devices.pairing_minutes
        self._clock = clock

    def add(self, actor: Actor, name: str, kind: str, theater_id: str) -> tuple[Device, str]:
        """A new device of a theater, waiting for pairing, and its one-time code."""
        self._access.require(actor, "devices.manage", theater_id)
        if kind not in DEVICE_KINDS:
            raise InvalidInput("kind", f"must be one of {', '.join(DEVICE_KINDS)}")
        self._store.theaters.get(theater_id)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = utc_at(int(self._clock()))
        device = build(
            Device,
            id=secrets.token_hex(8),
            name=name.strip(),
            name_key=name.strip().lower(),
            kind=kind,
            theater_id=theater_id,
            created_at=now,
            created_by=actor.subject,
            pairing_hash=digest(code),
            pairing_expires_at=now + dt.timedelta(minutes=self._pairing_minutes),
        )
        if self._store.devices.by_name(theater_id, device.name_key) is not None:
            raise AlreadyExists("device", device.name)
        device = self._store.devices.add(device)
        self._access.record(
            actor, "device added", device.name, theater_id, changes={"kind": kind, "id": device.id}
        )
        return device, grouped_code(code)

    def pair(self, code: str) -> tuple[Device, str]:
        """Exchange a pairing code, once, for the device's long-lived token."""
        pairing_hash = digest(normal_code(code))
        device = self._store.devices.by_pairing_hash(pairing_hash)
        if device is None or device.revoked_at is not None:
            raise PairingFailed("no such code (it may have been used already)")
        if device.pairing_expires_at is None or device.pairing_expires_at.timestamp() <= (
            self._clock()
        ):
            raise PairingFailed("it has expired; add the device again for a new code")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        paired = self._store.devices.pair(device.id, pairing_hash, digest(token), self._clock())
        if paired is None:
            raise PairingFailed("no such code (it may have been used already)")
        self._access.record(self._actor(paired), "device paired", paired.name, paired.theater_id)
        return paired, token

    def actor_for_device(self, token: str) -> Actor:
        """The actor a device token stands for: the role of its kind, at its theater."""
        if not token.startswith(TOKEN_PREFIX):
            raise DeviceInvalid("it is not a device token of this box office")
        device = self._store.devices.by_token_hash(digest(token))
        if device is None:
            raise DeviceInvalid("it is not a device token of this box office")
        if device.revoked_at is not None:
            raise DeviceInvalid("it was revoked")
        now = self._clock()
        if device.last_seen is None or now - device.last_seen >= SEEN_EVERY_S:
            self._store.devices.seen(device.id, now)
        return self._actor(device)

    def list(self, actor: Actor, theater_id: str | None = None) -> list[Device]:
        """The devices of one theater, or of every theater the actor manages."""
        self._access.require(actor, "devices.manage", theater_id)
        if theater_id is not None:
            return self._store.devices.of_theaters([theater_id])
        return self._store.devices.of_theaters(
            None if actor.role == "admin" else list(actor.theaters)
        )

    def revoke(self, actor: Actor, device_id_or_name: str, theater_id: str) -> Device:
        """Stop a device at once: its token is refused, an unused code too, and every
        session signed in at it (a counter) ends."""
        self._access.require(actor, "devices.manage", theater_id)
        device = self._store.devices.by_name(theater_id, device_id_or_name.strip().lower())
        if device is None:
            try:
                device = self._store.devices.get(device_id_or_name.strip())
            except (NotFound, ValueError):
                device = None
        if device is None or device.theater_id != theater_id:
            raise NotFound("device", device_id_or_name)
        revoked = self._store.devices.revoke(device.id, self._clock())
        if revoked is None:
            raise InvalidInput("device", f"{device.name} was revoked already")
        self._auth.end_device_sessions(device.id)
        self._access.record(
            actor, "device revoked", device.name, theater_id, changes={"id": device.id}
        )
        return revoked

    @staticmethod
    def _actor(device: Device) -> Actor:
        return Actor(
            subject=f"{device.kind}:{device.name}",
            role=device.kind,
            theaters=(device.theater_id,),
            device_id=device.id,
        )
