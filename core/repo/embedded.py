"""The embedded database: one nx-27017 server per data directory, shared by processes.

Every Marquee process that needs the embedded server leases it, and it stops by itself
a few seconds after the last leaseholder has exited or crashed, unless pinned by
``marquee db start`` (see :mod:`core.lease.server`). Its files are in
``<data>/embedded``, its database in ``<data>/db``; it listens on a Unix socket only
this OS user can reach, as the server has no authentication.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from core.lease.server import LeasedServer, ServerStatus
from core.repo.embedded_files import EmbeddedServerPaths
from core.repo.embedded_socket import socket_uri
from core.unix_socket import reachable

SERVER_MODULE = "core.repo.embedded_serve"


@dataclass(frozen=True)
class EmbeddedStatus(ServerStatus):
    @property
    def uri(self) -> str:
        return socket_uri(self.socket)


class EmbeddedServer(LeasedServer):
    """Start, lease, inspect and stop the shared embedded server of one data dir."""

    module = SERVER_MODULE
    status_type = EmbeddedStatus

    @staticmethod
    def lease_files(data_dir: Path) -> EmbeddedServerPaths:
        return EmbeddedServerPaths(data_dir)

    def locate(self) -> str:
        """Where the server is now (its driver URI), starting it if it has gone."""
        return socket_uri(super().locate())

    def answers(self, socket_path: str, timeout_s: float) -> bool:
        if not reachable(socket_path, timeout_s):
            return False
        timeout_ms = int(timeout_s * 1000)
        client: MongoClient = MongoClient(
            socket_uri(socket_path),
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
        )
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            client.close()
