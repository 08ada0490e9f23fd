"""How answers that are not plain records travel: a seat map goes as the rows taken
(other baskets' hold ids and the booking ids left out), rebuilt on the other side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter

from core.layout import SeatLayout
from core.seat_map import SeatMap

MINE = "mine"  # the hold id of the basket that asked, as the client sees it


class RowWire(BaseModel):
    held: dict[int, tuple[str, float]] = {}
    sold: dict[int, str] = {}
    blocked: dict[int, str] = {}


class SeatMapWire(BaseModel):
    showtime_id: str
    layout: SeatLayout
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
            layout=seat_map.layout,
            rows=wire,
            now=now,
            mine=bool(hold_id),
        )

    def seat_map(self) -> SeatMap:
        return SeatMap(
            self.showtime_id, self.layout, dict(self.rows), self.now, MINE if self.mine else ""
        )


class Codec:
    """Turns an answer into JSON-ready data and back."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.dump: Callable[[Any], Any]
        self.load: Callable[[Any], Any]
        self.schema: Any = SeatMapWire if response is SeatMap else response
        if response is SeatMap:
            self.dump = lambda value: SeatMapWire.of(value).model_dump(mode="json")
            self.load = lambda data: SeatMapWire.model_validate(data).seat_map()
        else:
            adapter: TypeAdapter[Any] = TypeAdapter(response)
            self.dump = lambda value: adapter.dump_python(value, mode="json")
            self.load = adapter.validate_python
