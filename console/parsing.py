"""What people type on the command line, read into plain values for the services.

Money is typed as decimal text ("12.50") and becomes integer minor units.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.errors import InvalidInput
from core.localtime import FIRST_YEAR, machine_zone, parse_day, parse_moment
from core.money import parse_amount


def parse_date(text: str | None, field: str, *, first_year: int = FIRST_YEAR) -> dt.date | None:
    """'2026-12-01' -> a date (years from ``first_year`` to 2100); None stays None."""
    return None if text is None else parse_day(text, field, first_year=first_year)


def parse_when(text: str | None, field: str, *, end_of_day: bool = False) -> dt.datetime | None:
    """'2026-12-01' (midnight, or the next midnight for an end) or '2026-12-01 18:00',
    in this machine's time zone unless an offset is given."""
    if text is None:
        return None
    return parse_moment(text, machine_zone(), field, end_of_day=end_of_day)


def parse_amounts(pairs: list[str] | None, currency: str, field: str) -> dict[str, int]:
    """['adult=12.50', 'child=9'] -> {'adult': 1250, 'child': 900}."""
    amounts: dict[str, int] = {}
    for pair in pairs or []:
        key, sep, amount = pair.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise InvalidInput(field, f"{pair!r} is not NAME=AMOUNT (like adult=12.50)")
        if key in amounts:
            raise InvalidInput(field, f"{key!r} is given twice")
        amounts[key] = parse_amount(amount, currency, f"{field} {key}")
    return amounts


def parse_percent(text: str) -> int:
    """'15' -> 1500, '12.5' -> 1250 basis points; exact, never through a float."""
    try:
        bp = parse_amount(text.strip().removesuffix("%"), "USD", "percent")
    except InvalidInput:
        bp = 0
    if not 0 < bp <= 10_000:
        raise InvalidInput("percent", f"{text!r} is not a percentage from 0.01 to 100")
    return bp


def discount_of(percent: str | None, amount: str | None, currency: str) -> dict[str, Any]:
    if percent is not None and amount is not None:
        raise InvalidInput("percent", "give --percent or --amount, not both")
    if percent is not None:
        return {"kind": "percent", "value": parse_percent(percent)}
    if amount is not None:
        return {"kind": "fixed", "value": parse_amount(amount, currency, "amount")}
    return {}
