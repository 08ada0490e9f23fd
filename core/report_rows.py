"""The rows of the manager reports (plain records; the sums are in core.services.reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

MONEY = {"money": True}  # field metadata: an amount in minor units


@dataclass(frozen=True)
class SalesDay:
    day: str
    bookings: int
    tickets: int
    gross: int = field(metadata=MONEY)  # face value of the tickets sold
    extras: int = field(metadata=MONEY)
    discounts: int = field(metadata=MONEY)
    refunds: int = field(metadata=MONEY)
    net: int = field(metadata=MONEY)  # payments less refunds: the money kept


@dataclass(frozen=True)
class ShowtimeOccupancy:
    showtime_id: str
    starts: str  # local "YYYY-MM-DD HH:MM" at the theater
    theater_id: str
    movie: str
    auditorium: str
    sold: int  # seats held by valid tickets
    capacity: int
    percent: float
    movie_id: str = field(default="", repr=False, metadata={"hidden": True})
    revenue: int = field(default=0, metadata=MONEY)  # face value of the valid tickets


@dataclass(frozen=True)
class MovieLine:
    movie_id: str
    title: str
    showtimes: int
    tickets: int
    revenue: int = field(metadata=MONEY)  # face value of the valid tickets
    occupancy: float  # seats sold over seats offered, all its showtimes together


@dataclass(frozen=True)
class ExtraLine:
    extra_id: str
    name: str
    quantity: int
    revenue: int = field(metadata=MONEY)


RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Report(Generic[RowT]):
    kind: str
    title: str
    currency: str
    start: dt.date | None
    end: dt.date | None
    theaters: tuple[str, ...] | None  # None: every theater
    rows: list[RowT]
    totals: RowT

    def columns(self) -> list[str]:
        row_type = type(self.totals)
        return [f.name for f in fields(row_type) if not f.metadata.get("hidden")]

    def money_columns(self) -> set[str]:
        return {f.name for f in fields(type(self.totals)) if f.metadata.get("money")}
