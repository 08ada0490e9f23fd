"""A progress bar on stderr for work that takes longer than a moment.

The bar only appears on a terminal and only after ``after_s`` seconds, so
quick commands and piped output (CSV, JSON) stay exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from console.render import stderr

T = TypeVar("T")


def while_waiting(label: str, work: Callable[[], T], after_s: float = 0.5) -> T:
    """Run ``work``; if it is still running after ``after_s``, show a bar until it ends."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        try:
            return future.result(timeout=after_s)
        except TimeoutError:
            pass
        if not stderr.is_terminal:
            return future.result()
        columns = (SpinnerColumn(), TextColumn(label), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=stderr, transient=True) as progress:
            progress.add_task(label, total=None)
            return future.result()
