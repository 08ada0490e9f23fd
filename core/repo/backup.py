"""Backups of the embedded database: one tar archive of its SQLite files.

nx-27017 keeps each database in ``<data>/db/<name>.db`` (SQLite, WAL). A backup copies
every one with SQLite's online backup API, which reads a consistent snapshot while the
box office keeps selling: what was committed before the copy of a file began is in it.
The archive holds those copies and ``marquee-backup.json``, which names them with
their sizes and SHA-256, so a damaged or foreign file is refused before anything of
the data dir is touched.

A restore replaces ``<data>/db`` as a whole, with the embedded server's lock held so
no server can start meanwhile, and only when no server runs on those files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import StorageError
from core.private import PRIVATE_FILE, private_dir
from core.repo.embedded_files import EmbeddedServerPaths

MANIFEST = "marquee-backup.json"
KIND = "marquee-embedded-db"
FORMAT = 1


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    databases: tuple[str, ...]  # the database files, like "marquee.db"
    size: int  # bytes of the archive


def back_up(data_dir: Path, target: Path) -> BackupSummary:
    """Copy every database of ``data_dir`` into the archive ``target`` (0600), written
    beside it and renamed into place: a failed backup leaves no partial file."""
    database_dir = EmbeddedServerPaths(data_dir).database_dir
    sources = sorted(database_dir.glob("*.db")) if database_dir.is_dir() else []
    if not sources:
        raise StorageError(f"no embedded database in {database_dir}: nothing to back up")
    target = Path(target).absolute()
    if target.is_dir():
        raise StorageError(f"{target} is a directory: name the backup file to write")
    if not target.parent.is_dir():
        raise StorageError(f"cannot write {target}: {target.parent} does not exist")
    with tempfile.TemporaryDirectory(prefix="marquee-backup-") as staging:
        copies = [_snapshot(source, Path(staging) / source.name) for source in sources]
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            _write_archive(partial, copies)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StorageError(f"cannot write {target}: {error.strerror}") from None
    return BackupSummary(target, tuple(c.name for c in copies), target.stat().st_size)


def _snapshot(source: Path, copy: Path) -> Path:
    """A consistent copy of the SQLite database ``source`` (in one step: one read
    transaction, so no write of the running server is half in it)."""
    try:
        with (
            contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as db,
            contextlib.closing(sqlite3.connect(copy)) as out,
        ):
            db.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise StorageError(f"cannot back up {source}: {error}") from None
    return copy


def _write_archive(path: Path, copies: list[Path]) -> None:
    manifest = {
        "kind": KIND,
        "format": FORMAT,
        "created": time.time(),
        "files": {copy.name: _fingerprint(copy) for copy in copies},
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        text = json.dumps(manifest, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(text), PRIVATE_FILE, int(time.time())
        archive.addfile(info, io.BytesIO(text))
        for copy in copies:
            archive.add(copy, arcname=f"db/{copy.name}", recursive=False)
        raw.flush()
        os.fsync(raw.fileno())


def _fingerprint(path: Path) -> dict[str, object]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def restore(data_dir: Path, source: Path) -> tuple[str, ...]:
    """Put the databases of the backup ``source`` in place of ``<data>/db``; the names
    of the database files restored. Refused, with nothing changed, for a file that is
    not a whole Marquee backup or while an embedded server runs on ``data_dir``."""
    paths = EmbeddedServerPaths(data_dir)
    source = Path(source).absolute()
    paths.ensure()
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=paths.data_dir))
    try:
        private_dir(staging)
        names = _unpack(source, staging)
        with paths.locked():
            if paths.server_running():
                state = paths.read_state()
                pid = f" (pid {state.pid})" if state else ""
                raise StorageError(
                    f"the embedded database of {paths.data_dir} is running{pid}: stop every "
                    "Marquee process of this data dir (then `marquee db stop`) and restore again"
                )
            _swap(paths.database_dir, staging)
        return names
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(source: Path, staging: Path) -> tuple[str, ...]:
    """The backup's databases, checked and written into ``staging``."""
    refused = f"{source} is not a Marquee database backup"
    try:
        with tarfile.open(source, mode="r:*") as archive:
            manifest = _manifest(archive)
            if manifest is None:
                raise StorageError(refused)
            files = manifest["files"]
            for name, expected in files.items():
                member = archive.extractfile(f"db/{name}")
                if member is None:
                    raise KeyError(name)
                with member, open(staging / name, "xb") as out:
                    shutil.copyfileobj(member, out)
                os.chmod(staging / name, PRIVATE_FILE)
                if _fingerprint(staging / name) != expected:
                    raise StorageError(f"{source} is damaged: {name} does not match its checksum")
    except FileNotFoundError:
        raise StorageError(f"cannot read {source}: no such file") from None
    except IsADirectoryError:
        raise StorageError(f"cannot read {source}: it is a directory") from None
    except PermissionError:
        raise StorageError(f"cannot read {source}: permission denied") from None
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError):
        raise StorageError(f"{refused}, or it is damaged") from None
    for name in files:
        _check_database(staging / name, source)
    return tuple(sorted(files))


def _manifest(archive: tarfile.TarFile) -> dict | None:
    """The backup's manifest when it is one this version can restore, else None."""
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        return None
    files = manifest.get("files")
    if manifest.get("format") != FORMAT or not isinstance(files, dict) or not files:
        return None
    for name, fingerprint in files.items():
        safe = name.endswith(".db") and "/" not in name and not name.startswith(".")
        if not safe or not isinstance(fingerprint, dict):
            return None
    return manifest


def _check_database(path: Path, source: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.Error:
        verdict = None
    if verdict != ("ok",):
        raise StorageError(f"{source} is damaged: {path.name} is not a sound SQLite database")


def _swap(database_dir: Path, staging: Path) -> None:
    """Replace ``database_dir`` by ``staging`` (renames within the data dir): the old
    databases, with their WAL files, go as a whole."""
    old = database_dir.with_name(f".db-replaced-{os.getpid()}")
    if database_dir.exists():
        database_dir.replace(old)
    try:
        staging.replace(database_dir)
    except OSError:
        if old.exists():
            old.replace(database_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
