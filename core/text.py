"""Text from users on its way in (refused with control characters) and out (escaped).

A control character (C0, DEL or C1) in a stored field or an echoed value could
move the cursor, clear or recolour a terminal, so stored text never holds one
and an error that repeats what was typed shows it escaped.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, allow: str = "") -> str:
    """``text`` with every control character (but those in ``allow``) written as its
    escape, like '\\x1b'."""
    return CONTROL.sub(
        lambda m: m.group() if m.group() in allow else repr(m.group())[1:-1], str(text)
    )


def refuse_controls(value: str, allow: str = "") -> str:
    """``value`` unchanged, or ValueError naming the first control character in it."""
    for match in CONTROL.finditer(value):
        if match.group() not in allow:
            return _refuse(match.group())
    return value


def _refuse(char: str) -> str:
    raise ValueError(f"must not contain control characters (found {printable(char)})")
