"""The test tiers: a module's slow tier follows from what it does, so no test can miss its mark."""

from __future__ import annotations

import re

DRIVES_AN_APP = re.compile(r"\.run_test\(|snap_compare")
STARTS_PROCESSES = re.compile(r"^\s*(?:import|from) (?:subprocess|multiprocessing)\b", re.MULTILINE)


def tiers_of(source: str) -> set[str]:
    """The slow tiers a test module's source puts it in: ``ui``, ``processes``, or none."""
    tiers = set()
    if DRIVES_AN_APP.search(source):
        tiers.add("ui")
    if STARTS_PROCESSES.search(source):
        tiers.add("processes")
    return tiers
