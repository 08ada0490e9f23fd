"""The live seat stream route: a showtime's seat map as server-sent events."""

# No ``from __future__ import annotations``: FastAPI reads the route's annotations.

import asyncio
import functools
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from core.bootstrap import STORAGE_FAILURES
from core.errors import MarqueeError
from core.layout import SeatLayout
from core.seat_map import SeatMap
from server.contract.errors import code_of
from server.contract.live import (
    CHANGE,
    EVENT_STREAM,
    HEARTBEAT_S,
    REFUSED,
    RETRY_MS,
    SEAT_EVENTS,
    SNAPSHOT,
    SeatChangeWire,
    frame,
)
from server.contract.wire import SeatMapWire
from server.errors import error_body
from server.live import END, SeatFeeds, Subscriber

log = logging.getLogger("marquee.server")
HoldId = Annotated[str, Query(max_length=100, pattern=r"^[A-Za-z0-9_-]*$")]


def add_seat_stream_route(
    router: APIRouter, box_office, callers, feeds: SeatFeeds, heartbeat_s: float = HEARTBEAT_S
) -> None:
    @router.get(
        SEAT_EVENTS,
        summary="The showtime's seat map, live (server-sent events)",
        tags=["inventory"],
    )
    async def seat_events(
        request: Request, showtime_id: str, hold_id: HoldId = ""
    ) -> StreamingResponse:
        actor = await run_in_threadpool(callers.actor_for, request)
        # The seat map's own check (a paired terminal: its theater only), refused
        # here as a plain answer, before any stream starts.
        await run_in_threadpool(box_office.inventory.live_seat_map, actor, showtime_id, hold_id)

        async def still_allowed() -> bytes | None:
            """A refused event if the caller's token is no good any more (signed out)."""
            try:
                await run_in_threadpool(callers.actor_for, request)
            except MarqueeError as error:
                return frame(REFUSED, "", error_body(code_of(type(error)), str(error)).decode())
            return None

        async def events() -> AsyncIterator[bytes]:
            loop = asyncio.get_running_loop()
            subscriber = Subscriber(loop)
            feed = feeds.subscribe(showtime_id, subscriber)
            connection, count, sent_layout = secrets.token_hex(4), 0, None
            checked = loop.time()
            try:
                yield f"retry: {RETRY_MS}\n\n".encode()
                while True:
                    item = await subscriber.next(heartbeat_s)
                    if item is END:
                        return
                    if loop.time() - checked >= heartbeat_s:  # busy or idle alike
                        checked = loop.time()
                        refused = await still_allowed()
                        if refused:
                            yield refused
                            return
                    if item is None:
                        yield b": alive\n\n"
                        continue
                    count += 1
                    assert isinstance(item, SeatMap)
                    event, data = event_of(item, hold_id, sent_layout)
                    sent_layout = item.layout
                    yield frame(event, f"{connection}-{count}", data)
            except STORAGE_FAILURES:
                return  # the client reconnects, and reads the whole map again
            finally:
                feeds.unsubscribe(feed, subscriber)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type=EVENT_STREAM, headers=headers)


def event_of(seat_map: SeatMap, hold_id: str, sent_layout: SeatLayout | None) -> tuple[str, str]:
    """The caller's view of the feed's map (its own hold as its own), whole if its layout
    is new to this stream, else without the layout."""
    whole = sent_layout is None or sent_layout != seat_map.layout
    return (SNAPSHOT if whole else CHANGE), encoded(seat_map, hold_id, whole)


@functools.lru_cache(maxsize=64)
def encoded(seat_map: SeatMap, hold_id: str, whole: bool) -> str:
    """One map as the streams of one hold (most often none) see it, encoded once for
    all of them."""
    rows, now, _ = seat_map.parts()
    wire = SeatMapWire.of(SeatMap(seat_map.showtime_id, seat_map.layout, rows, now, hold_id))
    if whole:
        return wire.model_dump_json()
    return SeatChangeWire(rows=wire.rows, now=wire.now, mine=wire.mine).model_dump_json()
