"""The report pictures as terminal text, without a database: the heatmap's levels, the
pictures with and without colour, and snapshots of the terminal renderings."""

from __future__ import annotations

import datetime as dt
import io
import re

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from console.charts import Bar, heat_level, heatmap_view, occupancy_bars, sales_chart
from core.report_rows import SalesPoint, SalesTrend, SeatHeatmap

HALL = "==== SCREEN ====\nA  SSSS.SS\nB  SSXSSSS\nC  VVVVVV\n"
# Four showtimes: A1 sold at all four (█), A2 at three (▓), B1 at two (▒), C6 at one (░).
HEATMAP = SeatHeatmap(
    "h1", "Screen 1", "t1", HALL, dt.date(2030, 3, 1), dt.date(2030, 3, 31), 4,
    {"A1": 4, "A2": 3, "B1": 2, "C6": 1},
)  # fmt: skip
TREND = SalesTrend(
    "USD", dt.date(2030, 3, 1), dt.date(2030, 3, 4), None, "day",
    [SalesPoint(f"2030-03-0{day}", f"2030-03-0{day}", net, 1) for day, net in
     ((1, 0), (2, 8000), (3, 4000), (4, 0))],
)  # fmt: skip


def rendered(picture, *, colour: bool, width: int = 80) -> str:
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        no_color=not colour,
        record=True,
    )
    console.print(picture)
    return console.file.getvalue()


@given(st.integers(0, 400), st.integers(1, 400))
def test_heat_levels_rise_with_the_share_sold(sold, showtimes):
    sold = min(sold, showtimes)
    level = heat_level(sold, showtimes)
    assert (level == 0) == (sold == 0)
    assert level <= heat_level(min(sold + 1, showtimes), showtimes)
    share = 100 * sold / showtimes
    assert level == 0 or 25 * (level - 1) < share <= 25 * level


def test_the_heatmap_reads_without_colour(snapshot):
    plain = rendered(heatmap_view(HEATMAP), colour=False)

    assert "\x1b[" not in plain
    rows = {line[0]: line for line in plain.splitlines() if line[:2] in ("A ", "B ", "C ")}
    assert rows["A"] == "A ██▓▓····  ····"
    assert rows["B"] == "B ▒▒··xx········"
    assert rows["C"] == "C ··········░░"
    assert "░░ 1-25% (1)" in plain and "██ 76-100% (1)" in plain and "never sold (14)" in plain
    assert plain == snapshot


def test_the_heatmap_in_colour_has_the_same_characters():
    coloured = rendered(heatmap_view(HEATMAP), colour=True)

    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == rendered(heatmap_view(HEATMAP), colour=False)


def test_the_sales_chart_reads_without_colour(snapshot):
    plain = rendered(sales_chart(TREND, width=60, height=10), colour=False)

    assert "\x1b[" not in plain
    lines = plain.splitlines()
    assert "Net sales per day (USD)" in lines[0]
    top = next(line for line in lines if line.lstrip().startswith("80.0"))
    assert top.count("█") > 0  # only the best day (80.00) reaches the top
    bottom = next(line for line in lines if line.lstrip().startswith("0.0"))
    assert bottom.count("█") == 2 * top.count("█")  # both days that sold
    assert "03-02" in lines[-1]
    assert plain == snapshot


def test_occupancy_bars_fullest_on_top(snapshot):
    bars = [Bar("13:00 Nosferatu", 12.5), Bar("19:00 Metropolis", 87.5), Bar("22:00 M", 0.0)]
    plain = rendered(occupancy_bars(bars, "Occupancy per showtime", width=70), colour=False)

    labelled = [line for line in plain.splitlines() if "%┤" in line]
    assert [line.split("%")[0].split()[-1] for line in labelled] == ["87.5", "12.5", "0.0"]
    assert plain == snapshot
