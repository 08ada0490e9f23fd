"""Amounts of money: integer minor units in, integer minor units out.

Parsing "12.50" gives 1250 cents exactly (no float ever touches an amount);
formatting is for display only.
"""

from __future__ import annotations

import re

from core.errors import InvalidInput

# ISO 4217 currencies whose minor unit is not the cent.
MINOR_DIGITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "KWD": 3, "BHD": 3, "JOD": 3}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_AMOUNT = re.compile(r"^\s*(\d{1,9})(?:\.(\d+))?\s*$")


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def parse_amount(text: str, currency: str, field: str = "amount") -> int:
    """'12.5' -> 1250 for USD; refuses negatives, letters and sub-cent digits."""
    match = _AMOUNT.match(str(text))
    digits = minor_digits(currency)
    if not match or (match.group(2) and len(match.group(2)) > digits):
        example = "12" if digits == 0 else "12." + "5" * digits
        raise InvalidInput(field, f"{text!r} is not an amount of {currency} (like {example})")
    whole, fraction = match.group(1), (match.group(2) or "").ljust(digits, "0")
    return int(whole) * 10**digits + (int(fraction) if digits else 0)


def decimal_amount(minor: int, currency: str) -> str:
    """1250 USD -> '12.50', 1250 JPY -> '1250': the plain decimal string payment APIs take."""
    digits = minor_digits(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}" + (f".{fraction:0{digits}d}" if digits else "")


def format_amount(minor: int, currency: str) -> str:
    sign = "-" if minor < 0 else ""
    whole, point, fraction = decimal_amount(abs(minor), currency).partition(".")
    number = f"{int(whole):,}{point}{fraction}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
