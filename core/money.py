"""Amounts of money: integer minor units in, integer minor units out.

Parsing "12.50" gives 1250 cents exactly (no float ever touches an amount);
formatting is for display only.
"""

from __future__ import annotations

import re

from core.errors import InvalidInput

# Every active ISO 4217 currency (list one, funds included; precious metals and
# other units without a minor unit left out) and its minor unit digits.
_ISO_4217 = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: (
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD "
        "BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP "
        "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR "
        "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU "
        "MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
        "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS "
        "TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
    ),
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
MINOR_DIGITS = {code: digits for digits, codes in _ISO_4217.items() for code in codes.split()}
# The largest amount in minor units anything holds: far beyond any ticket or till,
# far below what storage (64-bit integers) can hold.
MAX_MINOR = 100_000_000
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_AMOUNT = re.compile(r"^\s*(\d{1,9})(?:\.(\d+))?\s*$")


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def known_currency(code: str) -> str:
    """``code`` if it is an active ISO 4217 currency, else ValueError."""
    if code not in MINOR_DIGITS:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (like USD or EUR)")
    return code


def parse_amount(text: str, currency: str, field: str = "amount") -> int:
    """'12.5' -> 1250 for USD; refuses negatives, letters, sub-cent digits and more
    than MAX_MINOR minor units."""
    match = _AMOUNT.match(str(text))
    digits = minor_digits(currency)
    if not match or (match.group(2) and len(match.group(2)) > digits):
        example = "12" if digits == 0 else "12." + "5" * digits
        raise InvalidInput(field, f"{text!r} is not an amount of {currency} (like {example})")
    whole, fraction = match.group(1), (match.group(2) or "").ljust(digits, "0")
    minor = int(whole) * 10**digits + (int(fraction) if digits else 0)
    if minor > MAX_MINOR:
        limit = format_amount(MAX_MINOR, currency)
        raise InvalidInput(field, f"{text!r} is more than the most allowed ({limit})")
    return minor


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
