"""The cash drawer shifts of a date range as a report, with totals (``marquee report shifts``).

Each shift's cash sales, refunds and drops are summed by aggregation pipelines
(:class:`~core.repo.cash.ShiftFigures`), all the shifts of the range at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import InvalidInput
from core.services.access import Actor
from core.services.cash import CashDrawerService, ShiftSummary
from core.services.reports import MONEY, Report

MAX_DAYS = 366


@dataclass(frozen=True)
class ShiftLine:
    shift: str
    drawer: str
    staff: str
    opened: str
    closed: str
    float: int = field(metadata=MONEY)
    sales: int = field(metadata=MONEY)
    refunds: int = field(metadata=MONEY)
    drops: int = field(metadata=MONEY)
    expected: int = field(metadata=MONEY)
    counted: int = field(metadata=MONEY)
    over_short: int = field(metadata=MONEY)


TimeText = Callable[[dt.datetime | None, str], str]  # a moment at a theater -> what is shown


def _line(summary: ShiftSummary, time_text: TimeText) -> ShiftLine:
    when = lambda moment: time_text(moment, summary.theater_id)  # noqa: E731
    return ShiftLine(
        shift=summary.shift_id,
        drawer=summary.drawer,
        staff=summary.staff,
        opened=when(summary.opened_at),
        closed=when(summary.closed_at) or "open",
        float=summary.opening_float,
        sales=summary.sales,
        refunds=summary.refunds,
        drops=summary.drops,
        expected=summary.expected,
        counted=summary.counted or 0,
        over_short=summary.over_short or 0,
    )


def shift_report(
    cash: CashDrawerService,
    actor: Actor,
    start: dt.date | None,
    end: dt.date | None,
    theater_id: str | None,
    currency: str,
    time_text: TimeText,
) -> Report[ShiftLine]:
    """Every shift opened from ``start`` to ``end`` (default: today), oldest first; its
    times as ``time_text`` shows a moment at the shift's theater."""
    first = start or end or dt.date.today()
    last = end or start or first
    if last < first:
        raise InvalidInput("dates", f"the end {last} is before the start {first}")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("dates", f"at most {MAX_DAYS} days of shifts at once")
    rows = [
        _line(summary, time_text) for summary in cash.shifts_between(actor, first, last, theater_id)
    ]
    money = [
        f
        for f in ShiftLine.__dataclass_fields__
        if f not in {"shift", "drawer", "staff", "opened", "closed"}
    ]
    totals = ShiftLine(
        shift=f"{len(rows)} shifts",
        drawer="",
        staff="",
        opened="",
        closed="",
        **{name: sum(getattr(row, name) for row in rows) for name in money},
    )
    scope = (theater_id,) if theater_id else None
    return Report("shifts", "Cash drawer shifts", currency, first, last, scope, rows, totals)
