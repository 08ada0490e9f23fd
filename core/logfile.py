"""The log files of the long-running processes: one setup for all of them.

Each process (the server, the local server, a kiosk, the counter console, the door,
the notify worker, the embedded database) writes to its own file in the data dir,
for this user only (it may say who signed in and what failed), rotated at
``logging.max_bytes`` with ``logging.backups`` older files kept. Every line passes
through :class:`MaskingFormatter`: the configured secrets and any bearer or device
token are masked before they reach the file, tracebacks included.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from core.config import LOG_LEVELS, Config, secret_values
from core.errors import InvalidInput
from core.private import private_file

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_BACKUPS = 5

# Tokens that may appear in a request line or an error whatever the config holds:
# "Bearer ...", the device and local tokens, signed JWTs, a password in a URI.
TOKEN_PATTERNS = (
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\g<1>{MASK}"),
    (re.compile(r"\bmq[dl]_[A-Za-z0-9_-]{8,}"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+(@)"), rf"\g<1>{MASK}\g<2>"),
)


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every one of ``secrets`` and every token masked."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern, replacement in TOKEN_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    """Formats a record, then masks the secrets it was given and every token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(FORMAT)
        self.secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record), self.secrets)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the new ones after a rollover too, is 0600."""

    def _open(self):  # noqa: ANN202 - as in the standard library
        private_file(Path(self.baseFilename))
        return super()._open()


def roll_over_if_full(path: Path, max_bytes: int, backups: int) -> None:
    """Rotate ``path`` as its log handler would, if it has reached ``max_bytes`` (a
    server's starter, before it points the new server's output at the file)."""
    try:
        full = path.stat().st_size >= max_bytes
    except OSError:
        return
    if full:
        handler = PrivateRotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, delay=True
        )
        handler.doRollover()
        handler.close()


def log_output(logger_name: str = "output") -> threading.Thread:
    """(A server that runs, whose starter pointed its stdout and stderr at its log file.)
    Send what it writes there from now on, a stray traceback or a library's print,
    through its rotating log, line by line, at WARNING. Written straight to the file, it
    would go on into whichever file the log had rotated it to, or into a deleted one,
    growing for ever."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    logger = logging.getLogger(logger_name)
    # A log that cannot be written would report that on stderr: back into the log.
    logging.raiseExceptions = False

    def relay() -> None:
        with open(read_end, "rb") as pipe:
            for line in pipe:
                logger.warning("%s", line.decode("utf-8", "replace").rstrip("\n"))

    thread = threading.Thread(target=relay, name="output-to-log", daemon=True)
    thread.start()

    def finish() -> None:
        # Runs before logging's own exit handler: the last lines (a traceback) get in.
        sys.stdout.flush()
        sys.stderr.flush()
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.dup2(nowhere, 2)
        os.close(nowhere)
        thread.join(timeout=2)

    atexit.register(finish)
    return thread


def log_to(
    path: Path,
    logger_name: str = "marquee",
    *,
    alone: bool = False,
    level: str = "INFO",
    max_bytes: int = DEFAULT_MAX_BYTES,
    backups: int = DEFAULT_BACKUPS,
    secrets: Iterable[str] = (),
) -> logging.Handler:
    """Log ``logger_name`` at ``level`` to ``path``, rotated, with ``secrets`` masked.
    ``alone`` keeps its records out of its parents' handlers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(MaskingFormatter(secrets))
    logger = logging.getLogger(logger_name or None)
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    if alone:
        logger.propagate = False
    return handler


def log_for(
    config: Config,
    file_name: str,
    logger_name: str = "marquee",
    *,
    level: str | None = None,
    alone: bool = False,
) -> logging.Handler:
    """Log ``logger_name`` to ``file_name`` in ``config``'s data dir as its ``[logging]``
    section says; ``level`` (``--log-level``) wins over ``logging.level``."""
    chosen = (level or config.logging.level).upper()
    if chosen not in LOG_LEVELS:
        raise InvalidInput("log level", f"{level!r} is not one of {', '.join(LOG_LEVELS)}")
    return log_to(
        config.data_dir / file_name,
        logger_name,
        alone=alone,
        level=chosen,
        max_bytes=config.logging.max_bytes,
        backups=config.logging.backups,
        secrets=secret_values(config),
    )


def mask_secrets_of(config: Config, logger_name: str = "") -> None:
    """(A process that read its config after its log was set up.) Mask the config's
    secrets in the log files of ``logger_name`` too."""
    for handler in logging.getLogger(logger_name or None).handlers:
        if isinstance(handler.formatter, MaskingFormatter):
            handler.formatter.secrets = tuple(secret_values(config))
