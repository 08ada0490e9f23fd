"""The report pictures as terminal text: net sales over time and occupancy as plotext
charts, and a hall's seats shaded by how often they sold. The CLI prints them, the
console shows them, and ``--svg`` saves the same text as an image (Rich's SVG export).

Each picture reads without colour too: bars are block characters, and every heatmap
level has its own shading character with its numbers in the legend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import plotext
from rich.console import Group, RenderableType
from rich.text import Text

from core.layout import parse_layout
from core.money import minor_digits
from core.records import SalesPoint, SalesTrend, SeatHeatmap
from core.text import printable

# Never sold, then four levels of the share of showtimes a seat sold for.
SHADES = "·░▒▓█"
HEAT_COLOURS = ("grey50", "blue", "green", "yellow", "red")
LEVEL_TOPS = (0, 25, 50, 75, 100)  # each level's highest percentage


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float


def major(amount: int, currency: str) -> float:
    """Minor units as the chart's axis number (12.5 for 1250 USD)."""
    return amount / 10 ** minor_digits(currency)


def point_label(point: SalesPoint, period: str) -> str:
    day = dt.date.fromisoformat(point.start)
    return day.strftime("%m-%d") if period == "day" else "wk " + day.strftime("%m-%d")


def sales_chart(trend: SalesTrend, width: int = 80, height: int = 14) -> Text:
    """Net sales per day (or week) as vertical bars, the latest on the right."""
    title = f"Net sales per {trend.period} ({trend.currency})"
    if not trend.points:
        return Text(f"{title}: nothing sold in the range", "dim")
    labels = [point_label(point, trend.period) for point in trend.points]
    values = [major(point.net, trend.currency) for point in trend.points]
    plotext.clear_figure()
    plotext.bar(labels, values, color="green", width=0.8)
    plotext.title(title)
    plotext.xticks(*_thinned(labels, width // 8))
    return _built(width, height)


def occupancy_bars(bars: Sequence[Bar], title: str, width: int = 80) -> Text:
    """Occupancy as horizontal bars, the fullest on top, each labelled with its share."""
    if not bars:
        return Text(f"{title}: no showtimes in the range", "dim")
    ordered = sorted(bars, key=lambda bar: (-bar.percent, bar.label))
    labels = [f"{_short(printable(bar.label), 36)} {bar.percent:5.1f}%" for bar in ordered]
    plotext.clear_figure()
    # plotext draws the first bar at the bottom: reversed, the fullest is on top.
    plotext.bar(labels[::-1], [bar.percent for bar in ordered][::-1], orientation="h")
    plotext.xlim(0, 100)
    plotext.title(title)
    return _built(width, min(4 + 2 * len(ordered), 40))


def _short(label: str, most: int) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _built(width: int, height: int) -> Text:
    plotext.plotsize(width, height)
    plotext.theme("clear")  # the terminal's own background and text colours
    return Text.from_ansi(plotext.build().rstrip())


def _thinned(labels: list[str], most: int) -> tuple[list[int], list[str]]:
    """At most ``most`` x labels, evenly spaced, so they never run into each other."""
    step = max(1, -(-len(labels) // max(most, 1)))
    ticks = list(range(0, len(labels), step))
    return [tick + 1 for tick in ticks], [labels[tick] for tick in ticks]


# -- the seat heatmap -------------------------------------------------------------------
def heat_level(sold: int, showtimes: int) -> int:
    """0 never sold; 1-4 the quarter of the showtimes it sold for (1: up to 25%)."""
    if sold <= 0 or showtimes <= 0:
        return 0
    percent = 100 * sold / showtimes
    return next(level for level, top in enumerate(LEVEL_TOPS) if level and percent <= top)


def heatmap_view(heatmap: SeatHeatmap) -> RenderableType:
    """The hall as its layout, two cells a seat, each shaded by its level; a legend."""
    layout = parse_layout(heatmap.layout)
    label_width = max(len(row.label) for row in layout.rows)
    grid = Text()
    width = max(len(row.cells) for row in layout.rows) * 2
    screen = Text(" " * (label_width + 1) + " SCREEN ".center(width, "="), "bold")
    if layout.screen == "top":
        grid.append_text(screen + "\n")
    for row in layout.rows:
        grid.append(row.label.rjust(label_width) + " ", "bold")
        for seat in row.cells:
            if seat is None:
                grid.append("  ")
            elif seat.blocked:
                grid.append("xx", "dim")
            else:
                level = heat_level(heatmap.sold.get(seat.id, 0), heatmap.showtimes)
                grid.append(SHADES[level] * 2, HEAT_COLOURS[level])
        grid.append("\n")
    if layout.screen != "top":
        grid.append_text(screen + "\n")
    return Group(_heat_title(heatmap), grid, heat_legend(heatmap))


def _heat_title(heatmap: SeatHeatmap) -> Text:
    start, end = heatmap.start, heatmap.end
    dates = f"{start or 'the first showtime'} to {end or 'the last'}"
    return Text(
        f"Seats sold in {printable(heatmap.auditorium)}, {dates}: {heatmap.showtimes} showtimes",
        "bold",
    )


def heat_legend(heatmap: SeatHeatmap) -> Text:
    """Each level's character and range in numbers, and how many seats it holds."""
    layout = parse_layout(heatmap.layout)
    counts = [0] * len(SHADES)
    for seat in layout.seats:
        if not seat.blocked:
            counts[heat_level(heatmap.sold.get(seat.id, 0), heatmap.showtimes)] += 1
    legend = Text()
    for level, shade in enumerate(SHADES):
        if level == 0:
            meaning = "never sold"
        else:
            meaning = f"{LEVEL_TOPS[level - 1] + 1 if level > 1 else 1}-{LEVEL_TOPS[level]}%"
        legend.append(shade * 2, HEAT_COLOURS[level])
        legend.append(f" {meaning} ({counts[level]})  ")
    legend.append("\nxx blocked; a share is the seat's sold showtimes out of all of them")
    return legend


def heatmap_document(heatmap: SeatHeatmap) -> dict:
    """The heatmap's numbers for scripts: every seat that can be sold, in layout order."""
    seats = [
        {
            "seat": seat.id,
            "row": seat.row,
            "number": seat.number,
            "sold": heatmap.sold.get(seat.id, 0),
            "level": heat_level(heatmap.sold.get(seat.id, 0), heatmap.showtimes),
        }
        for seat in parse_layout(heatmap.layout).seats
        if not seat.blocked
    ]
    return {
        "report": "seats",
        "auditorium_id": heatmap.auditorium_id,
        "auditorium": heatmap.auditorium,
        "theater_id": heatmap.theater_id,
        "from": heatmap.start.isoformat() if heatmap.start else None,
        "to": heatmap.end.isoformat() if heatmap.end else None,
        "showtimes": heatmap.showtimes,
        "seats": seats,
    }
