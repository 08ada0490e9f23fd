"""The field types records share: ids, money, currencies, times and stored text.

Stored text never holds a control character (an escape sequence could clear or
recolour a terminal that shows it): what is written is refused with one, and
text stored before that rule loads with them turned into visible escapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo

from core.money import MAX_MINOR, known_currency
from core.text import printable, refuse_controls

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}$"
RecordId = Annotated[str, Field(pattern=ID_PATTERN)]
Money = Annotated[int, Field(ge=0, le=MAX_MINOR)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(known_currency)]


def _one_line(value: str, info: ValidationInfo) -> str:
    return _controls_out(value, info, allow="")


def _lines(value: str, info: ValidationInfo) -> str:
    return _controls_out(value, info, allow="\n")


def _controls_out(value: str, info: ValidationInfo, allow: str) -> str:
    """Refused in what is written; escaped in what was stored (read with the context
    ``{"stored": True}``)."""
    if info.context and info.context.get("stored"):
        return printable(value, allow)
    return refuse_controls(value, allow)


# Text written is one line with no control characters; Lines may also break lines.
Line = Annotated[str, AfterValidator(_one_line)]
Lines = Annotated[str, AfterValidator(_lines)]
Name = Annotated[Line, Field(min_length=1, max_length=120)]
Email = Annotated[Line, Field(max_length=200, pattern=EMAIL_PATTERN)]


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("must carry a time zone")
    return value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]
