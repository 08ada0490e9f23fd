"""The data dir is for the box office's own OS user: directories 0700, files 0600.

The embedded database has no authentication, and the data dir holds it, the keys
and the logs, so nobody else may read or write there. New files are created with
these modes; what an older version left readable by others is corrected when it
is next opened. Nothing outside the data dir is changed, and symlinks are never
followed into somewhere else.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import IO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077  # for a child process that writes only in the data dir


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can use, created if absent (its missing
    parents, outside the data dir, are created as usual). A symlink the owner put there
    (a data dir kept on another disk) counts as its target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=PRIVATE_DIR)
    keep_private(path.resolve())
    return path


def keep_private(path: Path) -> None:
    """Take away every permission of group and others from ``path`` if it exists, is not a
    symlink and belongs to this user (root may correct anyone's)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_mode & 0o077 == 0:
        return
    if info.st_uid != os.geteuid() and os.geteuid() != 0:
        return  # not ours to change (and nobody else's files are made ours)
    wanted = PRIVATE_DIR if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
    os.chmod(path, wanted)


def keep_tree_private(root: Path) -> None:
    """:func:`keep_private` for ``root`` and everything under it (symlinks not followed)."""
    keep_private(root)
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories + files:
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                keep_private(Path(directory) / name)


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner can read and write, created empty if absent."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE))
    keep_private(path)
    return path


def open_private(path: Path, mode: str = "a") -> IO:
    """``open(path, mode)`` ("a", "ab" or "w"), a file created with mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if mode.startswith("w") else os.O_APPEND)
    return os.fdopen(os.open(path, flags, PRIVATE_FILE), mode)


def write_private(path: Path, text: str) -> None:
    """``path.write_text(text)`` for a file created with mode 0600."""
    with open_private(path, "w") as handle:
        handle.write(text)
