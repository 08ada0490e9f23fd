"""A terminal's log file: problems go there, never onto the screen."""

from __future__ import annotations

import logging
from pathlib import Path

from core.private import private_file


def log_to(path: Path, logger_name: str = "marquee", *, alone: bool = False) -> None:
    """Log ``logger_name`` to ``path`` (for this user only: it may say who signed in and
    what failed). ``alone`` keeps its records out of its parents' handlers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    if alone:
        logger.propagate = False
