"""The box office's signing keys: created once in the database, shared by every process.

The first process that needs a key of a purpose creates it; if an installation from
before keys lived in the database has its key file, that key is imported instead, so
the tickets it printed stay valid and its sessions continue. Rotation adds a newer
key; an older one verifies what it signed until it is retired. Secrets never leave
this module except to sign and verify: listings show a fingerprint.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.clock import Clock, utc_now
from core.errors import ConfigError, InvalidInput, NotFound
from core.keyfile import new_key, read_key_file
from core.repo.keys import SigningKeyRepository
from core.services.access import Access, Actor
from core.signing_keys import (
    KEY_ID_PATTERN,
    PURPOSES,
    KeyInfo,
    Purpose,
    SigningKey,
    new_key_id,
)

# Where an existing installation kept each key, and the config key that names the file.
KeyFiles = Mapping[str, tuple[Path, str]]


class SigningKeys:
    def __init__(
        self,
        keys: SigningKeyRepository,
        access: Access,
        key_files: KeyFiles,
        clock: Clock = time.time,
    ) -> None:
        self._keys = keys
        self._access = access
        self._key_files = key_files
        self._clock = clock

    # -- signing and verifying ----------------------------------------------------------
    def current(self, purpose: Purpose) -> SigningKey:
        """The key that signs ``purpose`` now, created (or imported) on first need."""
        # The number is read first: a key another process adds after this read is either
        # seen as current below or takes the number this one would insert.
        last = self._keys.last_seq(purpose)
        return self._keys.current(purpose) or self._add(purpose, last + 1)

    def verifying(self, purpose: Purpose, key_id: str) -> bytes | None:
        """The secret of key ``key_id`` of ``purpose`` if it still verifies, else None. A
        key imported to verify only never signed a token that names it."""
        if not isinstance(key_id, str) or not re.fullmatch(KEY_ID_PATTERN, key_id):
            return None
        key = self._keys.of(purpose, key_id)
        if key is None or key.retired_at is not None or not key.signs:
            return None
        return key.key

    def legacy(self, purpose: Purpose) -> list[bytes]:
        """The secrets that may have signed a token without a key id (from before keys had
        ids): the first key of ``purpose`` and keys imported to verify only, not retired."""
        self.current(purpose)  # an installation's own key file is imported first
        return [key.key for key in self._keys.legacy(purpose)]

    # -- administration -----------------------------------------------------------------
    def keys(self, actor: Actor) -> list[KeyInfo]:
        """Every key, oldest first within its purpose, without its secret."""
        self._access.require(actor, "keys.manage")
        current = {key.id for p in PURPOSES if (key := self._keys.current(p)) is not None}
        return [KeyInfo.of(key, key.id in current) for key in self._keys.find()]

    def rotate(
        self, actor: Actor, purpose: str, retire: Sequence[str] = ()
    ) -> tuple[KeyInfo, list[KeyInfo]]:
        """A new current key of ``purpose``; the older ones keep verifying, but for the
        keys of ``retire`` (checked before anything is written), retired after it."""
        self._access.require(actor, "keys.manage")
        if purpose not in PURPOSES:
            raise InvalidInput("purpose", f"must be one of {', '.join(PURPOSES)}")
        for key_id in retire:
            if self._key(key_id).purpose != purpose:
                raise InvalidInput("retire", f"{key_id} is not a {purpose} key")
        self.current(purpose)  # the first key (or the imported one) exists before its successor
        key = self._add(purpose, self._keys.last_seq(purpose) + 1)
        self._access.record(
            actor,
            "signing key rotated",
            key.id,
            changes={"purpose": purpose, "fingerprint": key.fingerprint},
        )
        retired = [self.retire(actor, key_id) for key_id in dict.fromkeys(retire)]
        return self._info(key), retired

    def retire(self, actor: Actor, key_id: str) -> KeyInfo:
        """Stop key ``key_id`` verifying: what it signed is refused from now on."""
        self._access.require(actor, "keys.manage")
        found = self._key(key_id)
        if found.retired_at is None and self._keys.current(found.purpose) == found:
            raise InvalidInput("key", f"{key_id} is the current {found.purpose} key: rotate first")
        retired = self._keys.retire(found, utc_now(self._clock))
        if found.retired_at is None:
            self._access.record(
                actor,
                "signing key retired",
                key_id,
                changes={"purpose": found.purpose, "fingerprint": found.fingerprint},
            )
        return self._info(retired)

    def import_key(self, actor: Actor, purpose: str, path: Path) -> KeyInfo:
        """Import the key file of another machine from before keys lived in the database,
        to verify the tokens it signed then (they name no key). It never signs."""
        self._access.require(actor, "keys.manage")
        if purpose not in PURPOSES:
            raise InvalidInput("purpose", f"must be one of {', '.join(PURPOSES)}")
        try:
            secret = read_key_file(path)
        except ValueError as error:
            raise InvalidInput("file", str(error)) from None
        if secret is None:
            raise InvalidInput("file", f"no file {path}")
        self.current(purpose)  # this installation's own key comes first
        for key in self._keys.find({"purpose": purpose}):
            if key.key == secret:
                raise InvalidInput("file", f"its key is already {purpose} key {key.id}")
        while True:  # a rotation at the same moment may take the number: take the next
            key = self._new(purpose, self._keys.last_seq(purpose) + 1, secret, str(path), False)
            if self._keys.add(key) == key:
                break
        self._access.record(
            actor,
            "signing key imported",
            key.id,
            changes={"purpose": purpose, "fingerprint": key.fingerprint, "file": str(path)},
        )
        return self._info(key)

    # -- inside -------------------------------------------------------------------------
    def _key(self, key_id: str) -> SigningKey:
        if not re.fullmatch(KEY_ID_PATTERN, key_id):
            raise NotFound("signing key", key_id)
        return self._keys.get(key_id)

    def _info(self, key: SigningKey) -> KeyInfo:
        current = self._keys.current(key.purpose)
        return KeyInfo.of(key, current is not None and current.id == key.id)

    def _add(self, purpose: Purpose, seq: int) -> SigningKey:
        """Key number ``seq`` of ``purpose``: made here, or by whoever made it first. The
        first key is the one in the installation's key file, if there is one."""
        secret, source = new_key(), None
        path, config_key = self._key_files.get(purpose, (None, ""))
        if seq == 1 and path is not None:
            try:
                imported = read_key_file(path)
            except ValueError as error:
                raise ConfigError(config_key, str(error)) from None
            if imported is not None:
                secret, source = imported, str(path)
        while True:
            added = self._keys.add(self._new(purpose, seq, secret, source))
            if added is not None:
                return added

    def _new(
        self, purpose: Purpose, seq: int, secret: bytes, source: str | None, signs: bool = True
    ) -> SigningKey:
        return SigningKey(
            id=new_key_id(),
            purpose=purpose,
            seq=seq,
            secret=secret.hex(),
            created_at=utc_now(self._clock),
            imported_from=source,
            signs=signs,
        )
