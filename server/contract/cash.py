"""The cash capability: requests and answers of CashDrawerService."""

from __future__ import annotations

import datetime as dt

from core.models import CashShift
from core.records import ShiftSummary
from server.contract.base import Operation, Request


class CashCloseIn(Request):
    counted: int
    shift_id: str | None = None


class CashCurrentIn(Request):
    pass


class CashDropIn(Request):
    amount: int
    note: str = ""


class CashOpenShiftIn(Request):
    drawer: str
    opening_float: int
    theater_id: str | None = None


class CashShiftsIn(Request):
    on: dt.date
    theater_id: str | None = None


class CashShiftsBetweenIn(Request):
    first: dt.date
    last: dt.date
    theater_id: str | None = None


class CashSummaryIn(Request):
    shift_id: str | None = None


OPERATIONS = (
    Operation("cash", "close", CashCloseIn, ShiftSummary, writes=True, positional=2),
    Operation("cash", "current", CashCurrentIn, CashShift, http="GET"),
    Operation("cash", "drop", CashDropIn, CashShift, writes=True, positional=2),
    Operation("cash", "open_shift", CashOpenShiftIn, CashShift, writes=True),
    Operation("cash", "shifts", CashShiftsIn, list[ShiftSummary]),
    Operation("cash", "shifts_between", CashShiftsBetweenIn, list[ShiftSummary], positional=3),
    Operation("cash", "summary", CashSummaryIn, ShiftSummary, positional=1),
)
