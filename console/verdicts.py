"""How a door verdict reads, for the ``tickets scan`` panel and the door screen alike."""

from __future__ import annotations

from core.records import ScanVerdict


def verdict_title(verdict: ScanVerdict) -> str:
    """'ADMIT', 'ALREADY ADMITTED', 'NOT VALID' ..."""
    return str(verdict.kind).replace("_", " ")


def verdict_colour(verdict: ScanVerdict) -> str:
    """Green to admit, red for every refusal."""
    return "green" if verdict.admitted else "red"


def verdict_details(verdict: ScanVerdict) -> str:
    """'A1 · Heat · 19:30': the seat, the movie and the start, those that are known."""
    parts = [verdict.seat_id, verdict.movie_title]
    if verdict.starts_local is not None:
        parts.append(f"{verdict.starts_local:%H:%M}")
    return " · ".join(part for part in parts if part)
