"""The reports capability: requests and answers of ReportService."""

from __future__ import annotations

import datetime as dt

from core.report_rows import (
    ExtraLine,
    MovieLine,
    Report,
    SalesDay,
    SalesTrend,
    SeatHeatmap,
    ShowtimeOccupancy,
)
from server.contract.base import Operation, Request


class ReportsExtrasIn(Request):
    start: dt.date | None = None
    end: dt.date | None = None
    theater_id: str | None = None


class ReportsMoviesIn(Request):
    start: dt.date | None = None
    end: dt.date | None = None
    theater_id: str | None = None


class ReportsOccupancyIn(Request):
    start: dt.date | None = None
    end: dt.date | None = None
    theater_id: str | None = None


class ReportsRebuildIn(Request):
    pass


class ReportsSalesIn(Request):
    start: dt.date | None = None
    end: dt.date | None = None
    theater_id: str | None = None


class ReportsSalesTrendIn(Request):
    start: dt.date | None = None
    end: dt.date | None = None
    theater_id: str | None = None
    period: str | None = None


class ReportsSeatHeatmapIn(Request):
    auditorium_id: str
    start: dt.date | None = None
    end: dt.date | None = None


OPERATIONS = (
    Operation("reports", "extras", ReportsExtrasIn, Report[ExtraLine], positional=3),
    Operation("reports", "movies", ReportsMoviesIn, Report[MovieLine], positional=3),
    Operation("reports", "occupancy", ReportsOccupancyIn, Report[ShowtimeOccupancy], positional=3),
    Operation("reports", "rebuild", ReportsRebuildIn, int, writes=True),
    Operation("reports", "sales", ReportsSalesIn, Report[SalesDay], positional=3),
    Operation("reports", "sales_trend", ReportsSalesTrendIn, SalesTrend, positional=4),
    Operation("reports", "seat_heatmap", ReportsSeatHeatmapIn, SeatHeatmap, positional=3),
)
