"""Fixtures of box-office server processes (tests/server_support.py starts them).
Test modules load them with ``pytest_plugins = ["server_fixtures"]``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from server_support import server_pair


@pytest.fixture
def pair_of_servers(box_office) -> Iterator[list[tuple[subprocess.Popen, str]]]:
    """Two servers on the test's database, as behind a load balancer: [(process, url),
    (process, url)]. They settle payments only when asked (and once as they start): the
    test says when."""
    with server_pair(MARQUEE_BOOKING_RECONCILE_EVERY_S="0") as started:
        yield started
