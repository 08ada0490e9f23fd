"""Helpers for tests of processes that outlive a restart of the embedded database (no tests
here): stop a server and start it again on another port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from core.repo.embedded import EmbeddedServer, ServerStatus


@contextmanager
def restarted_elsewhere(server: EmbeddedServer) -> Iterator[tuple[ServerStatus, ServerStatus]]:
    """Stop ``server`` and start it again; while the block runs, its old port belongs to a
    listener that never answers, so the new server is elsewhere. (before, after)."""
    before = server.status()
    server.stop(force=True)
    with socket.create_server(("127.0.0.1", before.port)):
        after = server.start_pinned()
        assert after.port != before.port
        yield before, after
