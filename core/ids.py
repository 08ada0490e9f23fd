"""Short random codes people can read aloud and type: no 0/O, 1/I/L look-alikes."""

from __future__ import annotations

import secrets

READABLE = "23456789abcdefghjkmnpqrstuvwxyz"


def readable_code(length: int = 6, alphabet: str = READABLE) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))
