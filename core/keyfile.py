"""Key files of installations from before signing keys lived in the database.

Such a file holds one key in hex. It is read once, to import its key as the first
key of its purpose (see core.services.keys); nothing signs with the file after that.
"""

from __future__ import annotations

import secrets
from pathlib import Path

KEY_BYTES = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def read_key_file(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no such file; ValueError (one line
    that names the file) when it holds no usable key."""
    if not path.is_file():
        return None
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not hex"
        raise ValueError(f"cannot read a key from {path} ({reason})") from None
    if not KEY_BYTES // 2 <= len(key) <= 64:
        raise ValueError(f"the key in {path} is not 16 to 64 bytes long")
    return key
