"""Dates and wall-clock times typed by people, read in a time zone.

One parser for every date or time a command or form takes: years outside
2000..2100 are refused (nothing sold or reported lies outside them), a local
time skipped by a daylight-saving change is refused naming the gap, and one
that happens twice needs its offset (``01:30-04:00``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_RELEASE_YEAR = 1870  # a movie may be older than the box office
DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "YYYY-MM-DD HH:MM"


def parse_day(text: str, field: str, *, first_year: int = FIRST_YEAR) -> dt.date:
    """'2026-12-01' -> a date from ``first_year`` to 2100."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date ({DATE_FORMAT})") from None
    return check_day(day, field, first_year=first_year)


def check_day(day: dt.date, field: str, *, first_year: int = FIRST_YEAR) -> dt.date:
    if not first_year <= day.year <= LAST_YEAR:
        years = f"{first_year} to {LAST_YEAR}"
        raise InvalidInput(field, f"{day.isoformat()} is outside the years {years}")
    return day


def parse_wall(
    text: str, field: str, *, end_of_day: bool = False, needs_time: bool = False
) -> dt.datetime:
    """'2026-12-01' (midnight; with ``end_of_day`` the next midnight) or
    '2026-12-01 19:30' as typed: naive, or aware when it carries an offset."""
    clean = text.strip()
    form = TIME_FORMAT if needs_time else f"{DATE_FORMAT}[ HH:MM]"
    try:
        day = dt.date.fromisoformat(clean)
    except ValueError:
        day = None
    if day is not None:
        if needs_time:
            raise InvalidInput(field, f"{text!r} is not a date and time ({TIME_FORMAT})")
        check_day(day, field)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(days=end_of_day)
    try:
        moment = dt.datetime.fromisoformat(clean)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date and time ({form})") from None
    check_day(moment.date(), field)
    return moment


def parse_moment(
    text: str, zone: dt.tzinfo, field: str, *, end_of_day: bool = False, needs_time: bool = False
) -> dt.datetime:
    """:func:`parse_wall`, read in ``zone`` unless it carries an offset. A date alone
    means the day's first moment, even where clocks change at midnight."""
    wall = parse_wall(text, field, end_of_day=end_of_day, needs_time=needs_time)
    if len(text.strip()) == len(DATE_FORMAT):
        return wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return in_zone(wall, zone, field)


def in_zone(moment: dt.datetime, zone: dt.tzinfo, field: str) -> dt.datetime:
    """A wall-clock time in ``zone`` as an aware datetime; one that carries its own
    offset stands as given. A skipped or doubled local time is refused."""
    if moment.tzinfo is not None:
        return moment
    early, late = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    wall = f"{moment:%Y-%m-%d %H:%M}"
    name = zone_name(zone)
    back = early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if back != moment:  # it does not exist: the clocks jumped over it
        before, after = _gap(moment, zone)
        raise InvalidInput(
            field,
            f"{wall} does not exist in {name}: clocks go from {before:%H:%M} to {after:%H:%M}",
        )
    choices = " or ".join(f"{moment:%H:%M}{_offset(m)}" for m in (early, late))
    raise InvalidInput(field, f"{wall} happens twice in {name}: say {choices}")


def machine_zone() -> dt.tzinfo:
    """This machine's time zone, by name when it can be found (TZ or /etc/localtime)."""
    for key in (os.environ.get("TZ", "").removeprefix(":"), _localtime_key()):
        if key:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


WALL = "%Y-%m-%d %H:%M"


def wall_time(
    moment: dt.datetime | None, zone: dt.tzinfo, form: str = WALL, *, name_zone: bool = False
) -> str:
    """A moment as the clocks of ``zone`` read it ('2026-12-06 19:30'), with the zone's
    abbreviation ('... EST') when ``name_zone``; '' for none. Every time a person reads
    is shown through here, in the theater's zone."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:{form}} {local.tzname()}" if name_zone else f"{local:{form}}"


def zone_name(zone: dt.tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def _localtime_key() -> str:
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        return ""
    parts = target.parts
    return "/".join(parts[parts.index("zoneinfo") + 1 :]) if "zoneinfo" in parts else ""


def _offset(moment: dt.datetime) -> str:
    minutes = int((moment.utcoffset() or dt.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _gap(moment: dt.datetime, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The wall-clock times either side of the jump that skips ``moment``."""
    early, late = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    # An aware time in a real zone always has an offset.
    before_offset = early.utcoffset() or dt.timedelta()
    after_offset = late.utcoffset() or dt.timedelta()
    # The jump happens between these two instants; find it to the second.
    low = moment.replace(tzinfo=dt.UTC) - after_offset
    high = moment.replace(tzinfo=dt.UTC) - before_offset
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before_offset:
            low = middle
        else:
            high = middle
    jump = high.replace(microsecond=0)
    return (jump + before_offset).replace(tzinfo=None), (jump + after_offset).replace(tzinfo=None)
