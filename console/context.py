"""What every CLI command shares: the box office (opened once, lazily) and the actor."""

from __future__ import annotations

import atexit

from console.session import current_token
from core.bootstrap import BoxOffice, open_box_office
from core.config import Config, load_config
from core.services.access import Actor

_box_office: BoxOffice | None = None
_config: Config | None = None
_actor: Actor | None = None


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
    """Who runs this command: the signed-in session (or ``MARQUEE_TOKEN``).

    Without one, a box office with no staff accounts yet is being set up, and the
    terminal acts as its local admin (to create the first admin, seed the demo);
    once accounts exist, nobody signed in may only read the programme."""
    global _actor
    if _actor is None:
        box_office = services()
        token = current_token()
        if token:
            _actor = box_office.auth.actor_for(token)
        elif not box_office.auth.has_accounts():
            _actor = Actor.local_admin()
        else:
            _actor = Actor.public()
    return _actor


def signed_out() -> bool:
    return _actor is not None and _actor.role == "public"


def reset() -> None:
    """Forget the opened box office and config (tests run many commands per process)."""
    global _config, _actor
    close()
    _config = _actor = None
