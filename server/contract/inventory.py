"""The inventory capability: requests and answers of InventoryService."""

from __future__ import annotations

from core.seat_map import SeatMap
from server.contract.base import Operation, Request


class InventoryBlockIn(Request):
    showtime_id: str
    seat_ids: list[str]
    reason: str


class InventoryOccupancyIn(Request):
    showtime_ids: list[str]


class InventorySeatMapIn(Request):
    showtime_id: str
    hold_id: str = ""


class InventoryUnblockIn(Request):
    showtime_id: str
    seat_ids: list[str]


class InventoryWithheldIn(Request):
    showtime_id: str


OPERATIONS = (
    Operation("inventory", "block", InventoryBlockIn, None, writes=True, positional=3),
    Operation(
        "inventory", "occupancy", InventoryOccupancyIn, dict[str, tuple[int, int]], positional=1
    ),
    Operation("inventory", "seat_map", InventorySeatMapIn, SeatMap, positional=2),
    Operation("inventory", "live_seat_map", InventorySeatMapIn, SeatMap, positional=2),
    Operation("inventory", "unblock", InventoryUnblockIn, None, writes=True, positional=2),
    Operation("inventory", "withheld", InventoryWithheldIn, dict[str, str], positional=1),
)
