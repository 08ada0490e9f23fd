"""Phone numbers in one form, E.164 ("+15550100100"), whatever way they were typed.

A number without a country code is read as one of ``region`` (the theater's country,
else ``box_office.country``); one that no country could have is refused.
"""

from __future__ import annotations

import phonenumbers

from core.errors import InvalidInput

COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)  # ISO 3166 alpha-2 codes


def known_country(code: str) -> str:
    """``code`` if it is an ISO 3166 alpha-2 country phone numbers are known for."""
    if code not in COUNTRIES:
        raise ValueError(f"{code!r} is not an ISO 3166 country code (like US, GB, DE)")
    return code


def e164(text: str, region: str, field: str = "phone") -> str:
    """``text`` as an E.164 number, read as a number of ``region`` unless it says its
    country ("+44 ...", "0044 ..." where that is the way out of ``region``)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise InvalidInput(field, f"{shown!r} is not a possible phone number in {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
