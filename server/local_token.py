"""The data dir's local token: proof that a request comes from the OS user who owns the
data dir. A box office with no staff accounts yet trusts it as its local admin (to be
set up, as the CLI was before there was a server); once accounts exist it is worth
no more than no token at all."""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
from pathlib import Path

from server.contract.local import read_local_token, state_path, token_path

PREFIX = "mql_"


def write_local_token(data_dir: Path) -> str:
    """A fresh token, written 0600 (the server writes one each time it starts)."""
    path = token_path(data_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = PREFIX + secrets.token_urlsafe(32)
    spare = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        spare.unlink()
    descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    os.replace(spare, path)  # readers see the old token or the new one, never half
    return token


def local_token(data_dir: Path) -> str:
    """The token of a server already started for the data dir, else a new one."""
    return read_local_token(data_dir) or write_local_token(data_dir)


def same_token(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def announce(data_dir: Path, url: str) -> Path:
    """Say where this data dir's server listens, for the terminals and commands of this
    machine (see server.contract.local.running_server); removed when it stops."""
    path = state_path(data_dir)
    spare = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump({"pid": os.getpid(), "url": url}, file)
    os.replace(spare, path)
    return path


def withdraw(data_dir: Path) -> None:
    """Forget the announcement, if it is still this process's."""
    path = state_path(data_dir)
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass
