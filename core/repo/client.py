"""Connecting to MongoDB: the URI from config, or the embedded server."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import cast

import pymongo
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError, PyMongoError

from core.config import Config, redact_uri
from core.errors import ConfigError, StorageError
from core.repo.embedded import EmbeddedServer
from core.repo.live import ClientHolder, LiveDatabase

BCRYPT_HASH = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")
# A signing key's secret in a logged document (JSON inside JSON: the quotes may be escaped);
# any part of it, as the driver cuts long documents short.
KEY_SECRET = re.compile(r'(\\?"secret\\?":\s*\\?")[0-9a-fA-F]+')


class _NoSecrets(logging.Filter):
    """The driver's command log (DEBUG) shows whole documents: mask password hashes and
    signing keys."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if BCRYPT_HASH.search(message) or KEY_SECRET.search(message):
            masked = KEY_SECRET.sub(r"\1[secret]", BCRYPT_HASH.sub("[password hash]", message))
            record.msg, record.args = masked, None
        return True


for _name in ("pymongo.command", "pymongo"):
    logging.getLogger(_name).addFilter(_NoSecrets())


@dataclass
class Connection:
    """The process's database; close() releases the embedded server.

    ``database`` follows the server if it comes back on another address (see
    :mod:`core.repo.live`)."""

    holder: ClientHolder
    database: Database
    embedded: EmbeddedServer | None = None
    closed: bool = field(default=False)

    @property
    def client(self) -> MongoClient:
        return self.holder.client

    def ping(self, timeout_s: float = 1.0) -> bool:
        """Whether the database answers within ``timeout_s`` (for out-of-service screens).

        After a failure it first looks for the server again, which may take longer."""
        try:
            with pymongo.timeout(timeout_s):
                self.holder.client.admin.command("ping")
        except (PyMongoError, StorageError):
            self.holder.failed()
            return False
        return True

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.holder.close()
        if self.embedded is not None:
            self.embedded.release()


def embedded_server(config: Config) -> EmbeddedServer:
    server = EmbeddedServer(
        config.data_dir,
        start_timeout_s=config.embedded.start_timeout_s,
        linger_s=config.embedded.linger_s,
        lock_timeout_s=config.embedded.lock_timeout_s,
    )
    server.log_limits = (config.logging.max_bytes, config.logging.backups)
    return server


def connect(config: Config, db_name: str | None = None) -> Connection:
    """Open the configured database and check that it answers."""
    embedded = None
    uri = config.mongo.uri
    if not uri:
        embedded = embedded_server(config)
        uri = embedded.acquire()
    timeout_ms = int(config.mongo.connect_timeout_s * 1000)

    def open_client(at: str, listeners: list) -> MongoClient:
        return MongoClient(
            at,
            tz_aware=True,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            appname="marquee",
            event_listeners=listeners,
        )

    try:
        holder = ClientHolder(uri, embedded.locate if embedded else lambda: uri, open_client)
    except (ValueError, TypeError, ConfigurationError) as error:  # InvalidURI is both
        if embedded is not None:
            embedded.release()
        raise _bad_uri(uri, error) from None
    try:
        holder.client.admin.command("ping")
    except (PyMongoError, ConfigurationError) as error:
        holder.close()
        if embedded is not None:
            embedded.release()
        where = "the embedded database" if embedded else redact_uri(uri)
        raise StorageError(f"cannot reach {where}: {error.__class__.__name__}") from None
    name = db_name or config.mongo.db_name
    # A LiveDatabase answers for a Database: each attribute goes to the current client's.
    return Connection(holder, cast(Database, LiveDatabase(holder, name)), embedded)


def _bad_uri(uri: str, error: Exception) -> ConfigError:
    """mongo.uri cannot be parsed: say why, with its password (if any) never shown."""
    reason = (str(error).splitlines() or [""])[0].split(". Hint:")[0]
    password = _password_of(uri)
    if password:
        reason = reason.replace(password, "***")
    return ConfigError("mongo.uri", f"{redact_uri(uri)} is not a valid MongoDB URI ({reason})")


def _password_of(uri: str) -> str:
    credentials = uri.partition("://")[2].rpartition("@")[0]
    return credentials.partition(":")[2]


def storage_failures() -> tuple[type[Exception], ...]:
    """The driver's own error types, for callers that may not import pymongo."""
    return (PyMongoError,)
