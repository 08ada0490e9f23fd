"""What every CLI command shares: the box office (opened once, lazily) and the actor."""

from __future__ import annotations

import atexit

from core.bootstrap import BoxOffice, open_box_office
from core.config import Config, load_config
from core.services.access import Actor

_box_office: BoxOffice | None = None
_config: Config | None = None


def config() -> Config:
    global _config
    if _config is None:
        _config = load_config()
    return _config


def services() -> BoxOffice:
    """The box office, connected on first use and closed when the command ends."""
    global _box_office
    if _box_office is None:
        _box_office = open_box_office(config())
        atexit.register(close)
    return _box_office


def close() -> None:
    global _box_office
    if _box_office is not None:
        _box_office.close()
        _box_office = None


def actor() -> Actor:
    # The terminal of the machine that holds the database acts as its local admin
    # until sign-in sessions exist.
    return Actor.local_admin()


def reset() -> None:
    """Forget the opened box office and config (tests run many commands per process)."""
    global _config
    close()
    _config = None
