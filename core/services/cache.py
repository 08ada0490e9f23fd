"""A small time-limited cache for catalog records that sales read on every basket.

Layouts and price cards change rarely and a change is not urgent to the
second, while every basket needs them: caching them for a few seconds takes
two database reads off each sale. A manager's edit reaches every process
within ``ttl_s``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

ValueT = TypeVar("ValueT")


class TtlCache(Generic[ValueT]):
    def __init__(self, ttl_s: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, ValueT]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], ValueT]) -> ValueT:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            self._entries[key] = (now + self._ttl_s, value)
        return value

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
