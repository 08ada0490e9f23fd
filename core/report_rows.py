"""The rows of the manager reports (plain records; the sums are in core.services.reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Generic, Protocol, TypeVar

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


class DataclassRow(Protocol):
    """A report row: a dataclass, whose fields name the columns."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


RowT = TypeVar("RowT", bound=DataclassRow)


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


@dataclass(frozen=True)
class SalesPoint:
    """Net sales of one day or one week (Monday to Sunday), both ends local dates."""

    start: str
    end: str
    net: int = field(metadata=MONEY)
    tickets: int


@dataclass(frozen=True)
class SalesTrend:
    """Net sales per day or per week over a range, every period present (zero when
    nothing sold), the picture behind ``marquee report sales --chart``."""

    currency: str
    start: dt.date | None
    end: dt.date | None
    theaters: tuple[str, ...] | None
    period: str  # "day" or "week"
    points: list[SalesPoint]


@dataclass(frozen=True)
class SeatHeatmap:
    """How often each seat of one hall sold over a range of showtimes."""

    auditorium_id: str
    auditorium: str
    theater_id: str
    layout: str  # the hall's layout text now; counts of seats it no longer has are left out
    start: dt.date | None
    end: dt.date | None
    showtimes: int  # scheduled showtimes of the hall starting in the range
    sold: dict[str, int]  # seat id -> showtimes it sold for (seats never sold: absent)
