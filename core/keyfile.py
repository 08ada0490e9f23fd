"""Secret keys kept in files of the data dir, created on first use, readable by their owner only."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from core.errors import ConfigError

KEY_BYTES = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def load_or_create_key(path: Path, config_key: str = "tickets.key_file") -> bytes:
    """The signing key in ``path`` (hex), created with mode 0600 when absent.

    Creation is atomic: a key is written to a private temporary file and linked
    into place, so two processes starting at once end up with the same key."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise ConfigError(config_key, f"cannot create {path} ({error.strerror})") from None
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(new_key().hex() + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as error:
        raise ConfigError(config_key, f"cannot read a key from {path} ({error})") from None
    if len(key) < KEY_BYTES // 2:
        raise ConfigError(config_key, f"the key in {path} is too short")
    return key
