"""Manager reports: sales, occupancy, movies and extras over a range of dates.

Dates are the theaters' own local dates, both ends included, either end open
when not given. Sales and extras count bookings by the local date they were
sold; occupancy and movies count showtimes by the local date they start. A
manager sees the theaters they work at; an admin sees every theater.

Every figure is summed by an aggregation pipeline over the sales lines (see
:mod:`core.repo.reports`). Money is integer minor units; in the sales report a
refund given later counts against the day of the sale, so a day's ``net`` is
what that day's sales finally kept (payments less refunds).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import fields
from typing import Any

from core.errors import InvalidInput
from core.layout import parse_layout
from core.localtime import check_day
from core.models import Showtime
from core.repo.store import Store
from core.report_rows import (
    MONEY as MONEY,
)
from core.report_rows import (
    ExtraLine as ExtraLine,
)
from core.report_rows import (
    MovieLine as MovieLine,
)
from core.report_rows import (
    Report as Report,
)
from core.report_rows import (
    RowT as RowT,
)
from core.report_rows import (
    SalesDay as SalesDay,
)
from core.report_rows import (
    SalesTrend as SalesTrend,
)
from core.report_rows import (
    SeatHeatmap as SeatHeatmap,
)
from core.report_rows import (
    ShowtimeOccupancy as ShowtimeOccupancy,
)
from core.services.access import Access, Actor
from core.services.report_charts import sales_points

TOTAL = "total"  # the label of the totals row


class ReportService:
    def __init__(self, store: Store, access: Access, currency: str) -> None:
        self._store = store
        self._lines = store.bookings.sales_lines
        self._access = access
        self._currency = currency

    # -- the reports -------------------------------------------------------------
    def sales(
        self,
        actor: Actor,
        start: dt.date | None = None,
        end: dt.date | None = None,
        theater_id: str | None = None,
    ) -> Report[SalesDay]:
        theaters = self._scope(actor, start, end, theater_id)
        rows = [
            SalesDay(
                day=found["_id"],
                bookings=found["bookings"],
                tickets=found["tickets"],
                gross=found["tickets_amount"],
                extras=found["extras_amount"],
                discounts=found["discount"],
                refunds=found["refunded"],
                net=found["paid"] - found["refunded"],
            )
            for found in self._lines.sales_by_day(_day(start), _day(end), theaters)
        ]
        totals = _sum_rows(SalesDay, rows)
        return self._report("sales", "Sales by day", start, end, theaters, rows, totals)

    def extras(
        self,
        actor: Actor,
        start: dt.date | None = None,
        end: dt.date | None = None,
        theater_id: str | None = None,
    ) -> Report[ExtraLine]:
        theaters = self._scope(actor, start, end, theater_id)
        rows = [
            ExtraLine(found["_id"], found["name"], found["quantity"], found["amount"])
            for found in self._lines.extras(_day(start), _day(end), theaters)
        ]
        totals = _sum_rows(ExtraLine, rows)
        return self._report("extras", "Extras sold", start, end, theaters, rows, totals)

    def occupancy(
        self,
        actor: Actor,
        start: dt.date | None = None,
        end: dt.date | None = None,
        theater_id: str | None = None,
    ) -> Report[ShowtimeOccupancy]:
        theaters = self._scope(actor, start, end, theater_id)
        rows = self._occupancy_rows(start, end, theaters)
        sold, capacity = sum(r.sold for r in rows), sum(r.capacity for r in rows)
        totals = ShowtimeOccupancy(
            showtime_id=TOTAL,
            starts="",
            theater_id="",
            movie="",
            auditorium="",
            sold=sold,
            capacity=capacity,
            percent=_percent(sold, capacity),
            revenue=sum(r.revenue for r in rows),
        )
        title = "Occupancy by showtime"
        return self._report("occupancy", title, start, end, theaters, rows, totals)

    def movies(
        self,
        actor: Actor,
        start: dt.date | None = None,
        end: dt.date | None = None,
        theater_id: str | None = None,
    ) -> Report[MovieLine]:
        theaters = self._scope(actor, start, end, theater_id)
        showtimes = self._occupancy_rows(start, end, theaters)
        by_movie: dict[str, list[ShowtimeOccupancy]] = defaultdict(list)
        for row in showtimes:
            by_movie[row.movie_id].append(row)
        rows = sorted(
            (_movie_line(movie_id, shows[0].movie, shows) for movie_id, shows in by_movie.items()),
            key=lambda line: (-line.tickets, line.title),
        )
        totals = _movie_line(TOTAL, "", showtimes)
        return self._report("movies", "Movies", start, end, theaters, rows, totals)

    def sales_trend(
        self,
        actor: Actor,
        start: dt.date | None = None,
        end: dt.date | None = None,
        theater_id: str | None = None,
        period: str | None = None,
    ) -> SalesTrend:
        """Net sales per day, or per week (``period``; by default weeks beyond two
        months), every period of the range present: the sales report's chart."""
        theaters = self._scope(actor, start, end, theater_id)
        by_day = {
            found["_id"]: (found["paid"] - found["refunded"], found["tickets"])
            for found in self._lines.sales_by_day(_day(start), _day(end), theaters)
        }
        chosen, points = sales_points(by_day, start, end, period)
        scope = tuple(theaters) if theaters is not None else None
        return SalesTrend(self._currency, start, end, scope, chosen, points)

    def seat_heatmap(
        self,
        actor: Actor,
        auditorium_id: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> SeatHeatmap:
        """How many of the hall's showtimes starting in the range (local dates) each
        of its seats holds a valid ticket for, summed by one aggregation of the seat
        lines (see :mod:`core.repo.reports`)."""
        self._access.require(actor, "reports.read")
        hall = self._store.auditoriums.get(auditorium_id)
        self._access.require(actor, "reports.read", hall.theater_id)
        _check_range(start, end)
        zone = self._lines.zone_of(hall.theater_id)
        since = dt.datetime.combine(start, dt.time(), zone) if start else None
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone) if end else None
        shows = self._store.showtimes.between(since, until, auditorium_id=hall.id)
        self._store.bookings.catch_up_sales_lines()  # seat lines are written with them
        counts = self._lines.seats_sold([show.id for show in shows])
        seats = {seat.id for seat in parse_layout(hall.layout).seats}
        sold = {seat: n for seat, n in counts.items() if seat in seats}
        return SeatHeatmap(
            hall.id, hall.name, hall.theater_id, hall.layout, start, end, len(shows), sold
        )

    def rebuild(self, actor: Actor) -> int:
        """Write every booking's sales line again from the booking: for a database made
        before reports existed, or one whose lines were damaged."""
        self._access.require(actor, "reports.rebuild")
        return self._store.bookings.rebuild_sales_lines()

    # -- helpers -------------------------------------------------------------------
    def _scope(
        self, actor: Actor, start: dt.date | None, end: dt.date | None, theater_id: str | None
    ) -> list[str] | None:
        """The theaters the report covers (None: all), after the checks."""
        self._access.require(actor, "reports.read", theater_id)
        _check_range(start, end)
        theaters = [self._store.theaters.get(theater_id).id] if theater_id else None
        # Sales write their lines lazily: bring them up to date before reading them
        # (after every check, so a refused report writes nothing).
        self._store.bookings.catch_up_sales_lines()
        if theaters is not None:
            return theaters
        return None if actor.role == "admin" else list(actor.theaters)

    def _report(
        self,
        kind: str,
        title: str,
        start: dt.date | None,
        end: dt.date | None,
        theaters: list[str] | None,
        rows: list[RowT],
        totals: RowT,
    ) -> Report[RowT]:
        scope = tuple(theaters) if theaters is not None else None
        return Report(kind, title, self._currency, start, end, scope, rows, totals)

    def _occupancy_rows(
        self, start: dt.date | None, end: dt.date | None, theaters: list[str] | None
    ) -> list[ShowtimeOccupancy]:
        showtimes = self._showtimes(start, end, theaters)
        sold = {found["_id"]: found for found in self._lines.by_showtime([s.id for s in showtimes])}
        halls = self._store.auditoriums.by_ids(s.auditorium_id for s in showtimes)
        movies = self._store.movies.by_ids(s.movie_id for s in showtimes)
        zones = self._zones({s.theater_id for s in showtimes})
        rows = []
        for show in showtimes:
            seats = sold.get(show.id, {}).get("seats", 0)
            capacity = halls[show.auditorium_id].capacity
            rows.append(
                ShowtimeOccupancy(
                    showtime_id=show.id,
                    starts=show.starts_at.astimezone(zones[show.theater_id]).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    theater_id=show.theater_id,
                    movie=movies[show.movie_id].title,
                    auditorium=halls[show.auditorium_id].name,
                    sold=seats,
                    capacity=capacity,
                    percent=_percent(seats, capacity),
                    movie_id=show.movie_id,
                    revenue=sold.get(show.id, {}).get("amount", 0),
                )
            )
        return rows

    def _showtimes(
        self, start: dt.date | None, end: dt.date | None, theaters: list[str] | None
    ) -> list[Showtime]:
        """Scheduled showtimes starting on the local dates asked; a day either side is read
        and trimmed here, since every theater has its own time zone."""
        since = (
            dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), dt.UTC) if start else None
        )
        until = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), dt.UTC) if end else None
        found = self._store.showtimes.between(since, until, theater_ids=theaters)
        zones = self._zones({s.theater_id for s in found})
        return [
            show
            for show in found
            if _within(show.starts_at.astimezone(zones[show.theater_id]).date(), start, end)
        ]

    def _zones(self, theater_ids: set[str]) -> dict[str, Any]:
        return {theater_id: self._lines.zone_of(theater_id) for theater_id in theater_ids}


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    for day, name in ((start, "from"), (end, "to")):
        if day is not None:
            check_day(day, name)
    if start and end and end < start:
        raise InvalidInput("dates", f"the end {end} is before the start {start}")


def _day(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _within(date: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or date >= start) and (end is None or date <= end)


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _sum_rows(row_type: type[RowT], rows: list[RowT]) -> RowT:
    """The totals row: numbers summed, text columns blank but the first, which says 'total'."""
    values = {}
    for index, column in enumerate(fields(row_type)):
        if column.type in ("int", int):
            values[column.name] = sum(getattr(row, column.name) for row in rows)
        else:
            values[column.name] = TOTAL if index == 0 else ""
    return row_type(**values)


def _movie_line(movie_id: str, title: str, shows: list[ShowtimeOccupancy]) -> MovieLine:
    # Weighted by seats: every seat of every showtime counts once (a full small hall
    # and an empty large one are not "half full" together).
    sold, capacity = sum(s.sold for s in shows), sum(s.capacity for s in shows)
    return MovieLine(
        movie_id=movie_id,
        title=title,
        showtimes=len(shows),
        tickets=sum(s.sold for s in shows),
        revenue=sum(s.revenue for s in shows),
        occupancy=_percent(sold, capacity),
    )
