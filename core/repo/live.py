"""A database handle that brings the server back, and follows it if it moved.

pymongo keeps dialling the address a client was opened with, but the embedded
server may have stopped (and nobody starts it again), or come back on another
socket (a data dir named by another path). So every repository reaches its
collection through :class:`LiveDatabase`: a connection failure (seen by an
operation, or by the driver's own heartbeat) marks the client stale, and the next
operation first asks where the server is now (which restarts it if it has gone)
and, if it moved, opens a client there. The failed operation itself is not
retried: it was maybe a write, and its caller reports the failure as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import ConnectionFailure
from pymongo.monitoring import (
    ServerHeartbeatFailedEvent,
    ServerHeartbeatListener,
    ServerHeartbeatStartedEvent,
    ServerHeartbeatSucceededEvent,
)

OpenClient = Callable[[str, list[Any]], MongoClient]


class ClientHolder:
    """The process's MongoClient, reopened at the server's new address after a failure.

    ``locate()`` says where the server is now (for an external URI: that URI);
    ``open_client(uri, listeners)`` opens a client there."""

    def __init__(self, uri: str, locate: Callable[[], str], open_client: OpenClient) -> None:
        self._locate = locate
        self._open_client = open_client
        self._lock = threading.Lock()
        self._stale = False
        self.uri = uri
        self._client = open_client(uri, [_HeartbeatFailures(self.failed)])

    @property
    def client(self) -> MongoClient:
        """The current client; after a failure, first the server's address is looked up
        again (this may start the embedded server, so never call it on a UI thread)."""
        if self._stale:
            self._relocate()
        return self._client

    @property
    def stale(self) -> bool:
        return self._stale

    def failed(self) -> None:
        """The server did not answer: look for it again before the next operation."""
        self._stale = True

    def close(self) -> None:
        self._client.close()

    def _relocate(self) -> None:
        with self._lock:
            if not self._stale:
                return  # another thread has just done it
            uri = self._locate()  # a failure here leaves it stale, to look again next time
            self._stale = False
            if uri != self.uri:
                fresh = self._open_client(uri, [_HeartbeatFailures(self.failed)])
                moved, self._client, self.uri = self._client, fresh, uri
                moved.close()


class LiveDatabase:
    """Stands in for a pymongo Database: collections and calls go to the holder's
    current client."""

    def __init__(self, holder: ClientHolder, name: str) -> None:
        self._holder = holder
        self.name = name

    def __getitem__(self, collection: str) -> LiveCollection:
        return LiveCollection(self._holder, self.name, collection)

    def __getattr__(self, attribute: str) -> Any:
        return _watched(self._holder, getattr(self._holder.client[self.name], attribute))


class LiveCollection:
    """Stands in for a pymongo Collection of a :class:`LiveDatabase`."""

    def __init__(self, holder: ClientHolder, database: str, name: str) -> None:
        self._holder = holder
        self._database = database
        self.name = name
        self._bound: tuple[MongoClient, Collection] | None = None

    def _collection(self) -> Collection:
        client = self._holder.client
        bound = self._bound
        if bound is None or bound[0] is not client:
            bound = self._bound = (client, client[self._database][self.name])
        return bound[1]

    def __getattr__(self, attribute: str) -> Any:
        return _watched(self._holder, getattr(self._collection(), attribute))


def _watched(holder: ClientHolder, value: Any) -> Any:
    """``value``, or if it is a method: the method, telling ``holder`` of a lost server."""
    if not callable(value):
        return value

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return value(*args, **kwargs)
        except ConnectionFailure:
            holder.failed()
            raise

    return call


class _HeartbeatFailures(ServerHeartbeatListener):
    """The driver's monitor lost the server (also while no operation runs)."""

    def __init__(self, on_failure: Callable[[], None]) -> None:
        self._on_failure = on_failure

    def started(self, event: ServerHeartbeatStartedEvent) -> None:
        pass

    def succeeded(self, event: ServerHeartbeatSucceededEvent) -> None:
        pass

    def failed(self, event: ServerHeartbeatFailedEvent) -> None:
        self._on_failure()
