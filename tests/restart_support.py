"""Helpers for tests of processes that outlive a restart of the embedded database (no tests
here): stop a server and start it again."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from core.repo.embedded import EmbeddedServer, ServerStatus


@contextmanager
def restarted(server: EmbeddedServer) -> Iterator[tuple[ServerStatus, ServerStatus]]:
    """Stop ``server`` and start it again (before, after). Meanwhile a listener that never
    answers sits on the old socket, as one left by a server that crashed would: the new
    server takes its place."""
    before = server.status()
    server.stop(force=True)
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(before.socket)
        stale.listen()
        after = server.start_pinned()
        assert after.pid != before.pid
        yield before, after
