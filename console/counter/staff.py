"""Staff signed in at a till, as clients of the box-office server: each with their own
session's token, signed in with the counter's device token (only staff of the till's
theater may sign in there)."""

from __future__ import annotations

import logging

from client.remote import RemoteBoxOffice
from core.actor import Actor

log = logging.getLogger("marquee.console")


def staff_actor(staff: RemoteBoxOffice) -> Actor:
    """Who the server says a signed-in client is."""
    caller = staff.me()
    return Actor(
        subject=caller.subject,
        role=caller.role,
        theaters=tuple(caller.theaters),
        user_id=caller.user_id,
    )


def end_session(staff: RemoteBoxOffice) -> None:
    """Sign a session out at the server: its token is refused from now on. A server
    that is away lets it lapse by itself."""
    try:
        staff.sign_out()
    except Exception:
        log.warning("could not end a session at sign-out")
