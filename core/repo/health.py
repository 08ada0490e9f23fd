"""What the database server says about itself, for ``marquee doctor``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pymongo
from pymongo.errors import PyMongoError

from core.repo.client import Connection


@dataclass(frozen=True)
class DatabaseFacts:
    version: str
    replica_set: str | None  # its name; None for a standalone server
    change_streams: bool  # whether a change stream can be opened (live seat maps)
    server_time: float | None  # epoch seconds, as the server's clock says


def database_facts(connection: Connection, db_name: str, timeout_s: float = 5.0) -> DatabaseFacts:
    """The server's version, replica set, change streams and clock."""
    admin = connection.client.admin
    with pymongo.timeout(timeout_s):
        version = str(admin.command("buildInfo").get("version", "unknown"))
        hello = admin.command("hello")
        try:
            with connection.client[db_name]["doctor_probe"].watch(max_await_time_ms=50) as stream:
                stream.try_next()
            streams = True
        except PyMongoError:
            streams = False
    local_time = hello.get("localTime")
    server_time = None
    if isinstance(local_time, dt.datetime):  # naive: the driver gives UTC
        server_time = local_time.replace(tzinfo=local_time.tzinfo or dt.UTC).timestamp()
    return DatabaseFacts(version, hello.get("setName"), streams, server_time)
