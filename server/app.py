"""The box-office server: one FastAPI app over one BoxOffice, the only process that
opens the database and holds the keys. ``marquee serve`` runs it under uvicorn."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from core.bootstrap import BoxOffice, open_box_office
from core.config import load_config
from core.startup import reconcile_in_background, repeat_in_background
from core.version import marquee_version
from server import errors
from server.caller import Callers
from server.contract.live import HEARTBEAT_S
from server.idempotency import BEAT_S, Idempotency
from server.live import SeatFeeds, close_on_exit_signals
from server.local_token import local_token
from server.people import add_people_routes, session_out
from server.routes import add_operations
from server.seat_stream import add_seat_stream_route
from server.terminals import add_terminal_routes

log = logging.getLogger("marquee.server")


def create_app(
    box_office: BoxOffice,
    *,
    token: str | None = None,
    close_at_exit: bool = False,
    heartbeat_s: float = HEARTBEAT_S,
    reconcile: bool = False,
) -> FastAPI:
    """The API over ``box_office``; ``token`` is the data dir's local token (read from
    the data dir, or made there, when not given). With ``close_at_exit`` the box
    office is closed when the server stops. With ``reconcile`` the server settles
    payments left open while it runs, every ``booking.reconcile_every_s``: its paired
    terminals hold no database to do it from. A live seat stream with no change for
    ``heartbeat_s`` seconds sends a heartbeat (and checks its caller's token)."""
    data_dir = Path(box_office.config.data_dir)
    callers = Callers(box_office, token or local_token(data_dir))
    running_here = close_at_exit or reconcile  # a server of its own, not inside a command
    # A server of its own beats, so a retry at another one runs what it left unanswered.
    idempotency = Idempotency(
        box_office.store.idempotency, server=secrets.token_hex(6) if running_here else ""
    )
    app = FastAPI(
        title="Marquee box office",
        version=marquee_version(),
        docs_url=None,
        redoc_url=None,
        # A record sent back as it was answered (a basket) keeps one name in the schema.
        separate_input_output_schemas=False,
        lifespan=running(box_office, idempotency, close_at_exit=close_at_exit, reconcile=reconcile),
    )
    errors.install(app)
    # Every route on the app's own router, none in an included one: a request is then
    # matched against one flat list (included routers cost a third of a cheap request).
    add_people_routes(app.router, box_office, callers)
    add_terminal_routes(app.router, box_office, callers, session_out)
    add_operations(app.router, box_office, callers.actor_for, idempotency)
    feeds = SeatFeeds(box_office.inventory)
    add_seat_stream_route(app.router, box_office, callers, feeds, heartbeat_s)
    app.add_middleware(errors.Guard)
    app.state.box_office = box_office
    app.state.seat_feeds = feeds
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn's ``--factory`` (each worker opens its own box office)."""
    app = create_app(open_box_office(load_config()), close_at_exit=True, reconcile=True)
    # A worker stops on a signal only once its streams end: end them at the signal.
    close_on_exit_signals(app.state.seat_feeds)
    return app


def running(
    box_office: BoxOffice, idempotency: Idempotency, *, close_at_exit: bool, reconcile: bool
):
    """What the server does while it runs, besides answering: say it is alive,
    reconcile, close at exit."""
    if not (close_at_exit or reconcile):
        return None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        # A server that cannot say it is alive (the database is away) tries again.
        beats = repeat_in_background(
            "beat", idempotency.beat, BEAT_S, stop, "could not say the server is alive", log
        )
        runs = None
        if reconcile:
            every_s = box_office.config.booking.reconcile_every_s
            runs = reconcile_in_background(box_office, "server", every_s, stop)
        try:
            yield
        finally:
            stop.set()
            beats.join(5)
            if runs is not None:
                runs.join(10)  # a run under way ends before the database closes
            if close_at_exit:
                box_office.close()

    return lifespan
