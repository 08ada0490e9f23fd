"""The figures behind the report pictures: net sales per day or week, and how often each
seat of a hall sold. Plain values in, plain records out; the drawing is the terminals'."""

from __future__ import annotations

import datetime as dt

from core.errors import InvalidInput
from core.report_rows import SalesPoint

PERIODS = ("day", "week")
WEEKS_AFTER_DAYS = 62  # a longer range is drawn per week: a bar per day gets unreadable


def pick_period(period: str | None, first: dt.date, last: dt.date) -> str:
    """``period`` as asked, else days for up to two months and weeks beyond."""
    if period is None:
        return "week" if (last - first).days + 1 > WEEKS_AFTER_DAYS else "day"
    if period not in PERIODS:
        raise InvalidInput("period", f"'{period}' is not one of {', '.join(PERIODS)}")
    return period


def sales_points(
    net_by_day: dict[str, tuple[int, int]],
    start: dt.date | None,
    end: dt.date | None,
    period: str | None,
) -> tuple[str, list[SalesPoint]]:
    """Every day (or Monday-to-Sunday week, clipped to the range) from ``start`` to
    ``end`` with its net and tickets, zero where nothing sold. An open end is the
    first or last day that sold; no sales and an open end give no points."""
    days = sorted(net_by_day)
    first = start or (dt.date.fromisoformat(days[0]) if days else None)
    last = end or (dt.date.fromisoformat(days[-1]) if days else None)
    if first is None or last is None or last < first:
        return pick_period(period, dt.date.min, dt.date.min), []
    chosen = pick_period(period, first, last)
    points: list[SalesPoint] = []
    day = first
    while day <= last:
        until = min(last, day + dt.timedelta(days=6 - day.weekday())) if chosen == "week" else day
        net = tickets = 0
        for offset in range((until - day).days + 1):
            found = net_by_day.get((day + dt.timedelta(days=offset)).isoformat(), (0, 0))
            net, tickets = net + found[0], tickets + found[1]
        points.append(SalesPoint(day.isoformat(), until.isoformat(), net, tickets))
        day = until + dt.timedelta(days=1)
    return chosen, points
