"""``marquee report sales|occupancy --chart`` and ``marquee report seats``: the picture
below the table, its numbers in JSON, the same picture as PNG and SVG, and bad input
in one line."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from chart_support import NEXT_DAY, SHOW_DAY, SOLD_OVER_BOTH, more_sales_in_the_hall
from report_support import cli_on_the_sales, report_clock, sold_over_two_days

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)
report_cli = pytest.fixture(cli_on_the_sales)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def heat(box_office, admin, sales):
    return more_sales_in_the_hall(box_office, admin, sales)


def test_sales_chart_below_the_table_and_its_numbers_in_json(report_cli, box_office, admin):
    args = ("report", "sales", "--from", "2030-03-09", "--to", "2030-03-12", "--chart")
    drawn = report_cli(*args)
    numbers = report_cli(*args, "--format", "json")

    assert drawn.exit_code == 0, drawn.stderr
    lines = drawn.stdout.splitlines()
    totals = next(i for i, line in enumerate(lines) if "│ total" in line)
    chart = next(i for i, line in enumerate(lines) if "Net sales per day (USD)" in line)
    assert totals < chart  # the totals row still printed, the chart below
    assert "█" in "\n".join(lines[chart:]) and "03-10" in lines[-1]
    data = numbers.json()
    net = box_office.reports.sales(admin).totals.net
    assert data["totals"]["net"] == net
    assert data["chart"]["period"] == "day"
    assert [p["start"] for p in data["chart"]["points"]] == [
        "2030-03-09",
        "2030-03-10",
        "2030-03-11",
        "2030-03-12",
    ]
    assert sum(p["net"] for p in data["chart"]["points"]) == net


def test_occupancy_bars_sorted_with_their_percentages(report_cli, sales):
    result = report_cli("report", "occupancy", "--chart")
    by_movie = report_cli("report", "occupancy", "--chart", "--by", "movie", "--format", "json")

    assert result.exit_code == 0, result.stderr
    bars = [line for line in result.stdout.splitlines() if "%┤" in line]
    # 6, 3 and 0 of 15 seats (A8 is blocked): 40% on top, then 20%, then 0%.
    assert [line.split("%")[0].split()[-1] for line in bars] == ["40.0", "20.0", "0.0"]
    assert "19:00 Metropolis (Screen 1)" in bars[0]
    assert by_movie.json()["chart"] == {
        "by": "movie",
        "bars": [
            {"label": "Metropolis", "percent": (40.0 + 20.0) / 2},
            {"label": "Nosferatu", "percent": 0.0},
        ],
    }


def test_seat_heatmap_in_the_terminal_and_as_json(report_cli, heat):
    args = ("report", "seats", heat.auditorium_id, "--from", str(SHOW_DAY), "--to", str(NEXT_DAY))
    shown = report_cli(*args)
    data = report_cli(*args, "--format", "json").json()

    assert shown.exit_code == 0, shown.stderr
    assert "Seats sold in Screen 1" in shown.stdout and "3 showtimes" in shown.stdout
    rows = {line.split()[0]: line for line in shown.stdout.splitlines() if line[:2] in ("A ", "B ")}
    # Row A: W C S S S S . S X; A3 and A4 sold 2 of 3 (▓), A6 was blocked for one show only.
    assert rows["A"] == "A ····▓▓▓▓····  ··xx"
    assert rows["B"] == "B ▒▒▒▒····  ▓▓▒▒····"
    assert "▓▓ 51-75% (3)" in shown.stdout and "·· never sold (9)" in shown.stdout
    sold = {seat["seat"]: seat["sold"] for seat in data["seats"] if seat["sold"]}
    assert (data["showtimes"], sold) == (3, SOLD_OVER_BOTH)


def test_png_and_svg_of_each_picture(report_cli, heat, tmp_path):
    pytest.importorskip("matplotlib")
    made = {
        "sales": ("report", "sales", "--chart"),
        "occupancy": ("report", "occupancy"),
        "seats": ("report", "seats", heat.auditorium_id),
    }
    for name, args in made.items():
        png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
        result = report_cli(*args, "--png", str(png), "--svg", str(svg))
        assert result.exit_code == 0, result.stderr
        assert png.read_bytes().startswith(PNG_MAGIC), name
        root = ElementTree.fromstring(svg.read_text(encoding="utf-8"))
        assert root.tag.endswith("svg"), name
    from PIL import Image

    with Image.open(tmp_path / "seats.png") as image:
        assert image.format == "PNG" and image.width > 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seats", "nowhere"], "no auditorium 'nowhere'"),
        (["sales", "--chart", "--from", "2030-03-11", "--to", "2030-03-10"], "before the start"),
        (["sales", "--png", "/nonexistent/dir/sales.png"], "cannot write /nonexistent/dir"),
        (["sales", "--chart", "--period", "month"], "'month' is not one of day, week"),
    ],
)
def test_bad_input_is_one_line(report_cli, args, message):
    assert message in report_cli("report", *args).error_line()
