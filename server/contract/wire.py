"""How answers that are not plain records travel: a seat map goes as the layout's text
and the rows taken (other baskets' hold ids and the booking ids left out), rebuilt on
the other side. Answers are written and read as JSON bytes by pydantic itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter

from core.layout import SeatLayout, layout_of
from core.seat_map import SeatMap

MINE = "mine"  # the hold id of the basket that asked, as the client sees it


class RowWire(BaseModel):
    held: dict[int, tuple[str, float]] = {}
    sold: dict[int, str] = {}
    blocked: dict[int, str] = {}


class SeatMapWire(BaseModel):
    showtime_id: str
    # The text a manager writes (a few KB for 2,000 seats, parsed once per client),
    # not every seat spelled out as a record (200 KB to write and read each refresh).
    layout: str = Field(description="the hall's layout in the seat-layout text format")
    rows: dict[str, RowWire]
    now: float
    mine: bool  # the map was asked for by a basket

    @classmethod
    def of(cls, seat_map: SeatMap) -> SeatMapWire:
        rows, now, hold_id = seat_map.parts()
        wire = {
            label: RowWire(
                held={
                    n: (MINE if hold_id and holder == hold_id else "", until)
                    for n, (holder, until) in taken.held.items()
                },
                sold=dict.fromkeys(taken.sold, ""),
                blocked=dict(taken.blocked),
            )
            for label, taken in rows.items()
        }
        return cls(
            showtime_id=seat_map.showtime_id,
            layout=seat_map.layout.text,
            rows=wire,
            now=now,
            mine=bool(hold_id),
        )

    def seat_map(self) -> SeatMap:
        return seat_map_of(self.showtime_id, layout_of(self.layout), self.rows, self.now, self.mine)


def seat_map_of(
    showtime_id: str, layout: SeatLayout, rows: dict[str, RowWire], now: float, mine: bool
) -> SeatMap:
    """The map the wire's rows describe on ``layout`` (parsed once per client)."""
    return SeatMap(showtime_id, layout, dict(rows), now, MINE if mine else "")


class Codec:
    """Turns an answer into JSON bytes and back."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.dump: Callable[[Any], bytes]
        self.load: Callable[[bytes], Any]
        self.schema: Any = SeatMapWire if response is SeatMap else response
        if response is SeatMap:
            wire: TypeAdapter[SeatMapWire] = TypeAdapter(SeatMapWire)
            self.dump = lambda value: wire.dump_json(SeatMapWire.of(value))
            self.load = lambda content: wire.validate_json(content).seat_map()
        else:
            adapter: TypeAdapter[Any] = TypeAdapter(response)
            self.dump = adapter.dump_json
            self.load = adapter.validate_json
