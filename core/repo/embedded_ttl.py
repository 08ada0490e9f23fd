"""Expiry in the embedded server on MongoDB's schedule: one sweep a minute per collection.

The embedded engine removes a TTL collection's expired documents before every read
of it: two deletes ahead of each find, so every session, basket and idempotency
lookup cost three statements under the database's one lock. MongoDB's
TTL monitor sweeps once a minute instead, and Marquee never relies on an expired
document being gone: each reader checks its own expiry (a session's ``expires_at``,
a basket's hold) or keys by the period (sign-in failures). So here the sweep runs
before a read, or an insert, only when the collection's last one is ``every_s`` old:
inserts too, so that records written often and read rarely (idempotency answers)
still go.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("marquee.embedded")

SWEEP_EVERY_S = 60.0  # as MongoDB's TTL monitor


def sweep_at_most_every(
    every_s: float = SWEEP_EVERY_S, clock: Callable[[], float] = time.monotonic
) -> Callable[[], None]:
    """Make the engine's sweep-before-read run at most every ``every_s`` per collection;
    the function that undoes it. Without the engine's hook, nothing changes."""
    from neosqlite.collection import Collection

    sweep = getattr(Collection, "_auto_purge_ttl", None)
    if sweep is None:  # an engine that no longer sweeps on reads
        log.warning("the database engine has no sweep-before-read to space out")
        return lambda: None
    last_swept: dict[tuple[str, str], float] = {}
    lock = threading.Lock()

    def spaced_sweep(collection: Collection) -> None:
        key = (collection.db_path, collection.name)
        now = clock()
        with lock:
            if now - last_swept.get(key, -every_s) < every_s:
                return
            last_swept[key] = now
        sweep(collection)

    insert_one = Collection.insert_one

    def insert_one_after_sweep(collection: Collection, *args, **kwargs):
        spaced_sweep(collection)
        return insert_one(collection, *args, **kwargs)

    Collection._auto_purge_ttl = spaced_sweep
    Collection.insert_one = insert_one_after_sweep

    def undo() -> None:
        Collection._auto_purge_ttl = sweep
        Collection.insert_one = insert_one

    return undo
