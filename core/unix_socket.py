"""Unix sockets only this OS user can reach, for the servers of a data dir (the embedded
database, the local box-office server), which trust whoever connects.

A socket lives in a 0700 directory of the data dir and is itself 0600. A socket's path
may be at most about a hundred bytes long, so for a data dir deep in the file system
it lives instead in a directory of this user's own under /tmp, named after the data
dir. Each server records its socket in its state file, so every process finds it there.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
from pathlib import Path

from typing_extensions import TypeIs

from core.errors import StorageError
from core.private import PRIVATE_DIR, PRIVATE_FILE, keep_private

# sun_path holds 108 bytes on Linux and 104 on macOS, with the terminating NUL.
MAX_SOCKET_PATH = 103
SHORT_BASE = Path("/tmp")


def valid_socket_path(path: object) -> TypeIs[str]:
    """An absolute path a Unix socket can have (``path`` comes from a file)."""
    return (
        type(path) is str
        and path.startswith("/")
        and "\0" not in path
        and len(os.fsencode(path)) <= MAX_SOCKET_PATH
    )


def socket_for(data_dir: Path, directory: Path, name: str) -> Path:
    """Where a server of ``data_dir`` started now is to listen: ``directory/name`` (the
    directory exists), else the same name in the data dir's short private directory."""
    inside = directory / name
    if valid_socket_path(str(inside)):
        return inside
    return _short_private_dir(data_dir) / name


def _short_private_dir(data_dir: Path) -> Path:
    """``/tmp/marquee-<uid>/<digest of the data dir>``, both levels 0700 and this user's."""
    digest = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16]
    base = SHORT_BASE / f"marquee-{os.geteuid()}"
    for directory in (base, base / digest):
        try:
            directory.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass
        except OSError as error:
            raise StorageError(f"cannot create {directory}: {error.strerror}") from None
        info = os.lstat(directory)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            raise StorageError(
                f"{directory} is not a directory of this user (a symlink, or another "
                "user's): remove it, or use a data dir with a shorter path"
            )
        keep_private(directory)
    return base / digest


def listen(path: Path) -> socket.socket:
    """(In the server, holding its lock.) A listening socket at ``path``, 0600; a socket
    left there by a server that died is replaced."""
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            path.unlink()
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, PRIVATE_FILE)
    listener.listen(128)
    return listener


def reachable(path: str, timeout_s: float) -> bool:
    """Whether something accepts connections on the Unix socket at ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(timeout_s)
        try:
            probe.connect(path)
        except OSError:
            return False
    return True
