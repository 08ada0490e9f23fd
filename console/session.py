"""The signed-in session of this terminal's user: a token in a file only they can read.

``MARQUEE_TOKEN`` wins over the stored session, for scripts."""

from __future__ import annotations

import json
import os
from pathlib import Path

SESSION_FILE = "session.json"


def session_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "marquee" / SESSION_FILE


def stored_token() -> str | None:
    path = session_path()
    try:
        return json.loads(path.read_text(encoding="utf-8"))["token"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(token: str, login: str) -> Path:
    """Write the session with mode 0600 from the start (never readable by others)."""
    path = session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{SESSION_FILE}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"token": token, "login": login}, handle)
    os.replace(temporary, path)
    return path


def forget() -> bool:
    try:
        session_path().unlink()
    except FileNotFoundError:
        return False
    return True


def from_environment() -> bool:
    return bool(os.environ.get("MARQUEE_TOKEN"))


def current_token() -> str | None:
    return os.environ.get("MARQUEE_TOKEN") or stored_token()
