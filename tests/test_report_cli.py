"""``marquee report``: the reports as CSV, JSON and a table, and bad input in one line."""

from __future__ import annotations

import csv
import io

import pytest
from report_support import cli_on_the_sales, report_clock, sold_over_two_days

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)
report_cli = pytest.fixture(cli_on_the_sales)


def test_cli_sales_as_csv(report_cli, box_office, admin, sales):
    result = report_cli("report", "sales", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "day,bookings,tickets,gross,extras,discounts,refunds,net"
    assert [line.split(",")[0] for line in lines[1:]] == ["2030-03-10", "2030-03-11", "total"]
    totals = box_office.reports.sales(admin).totals
    assert lines[-1] == (
        f"total,6,12,{totals.gross / 100:.2f},23.50,9.13,37.50,{totals.net / 100:.2f}"
    )


def test_cli_occupancy_as_json(report_cli, sales):
    result = report_cli(
        "report",
        "occupancy",
        "--format",
        "json",
        "--theater",
        sales.odeon_id,
        "--from",
        "2030-03-12",
    )

    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert (data["report"], data["from"], data["to"]) == ("occupancy", "2030-03-12", None)
    assert data["theaters"] == [sales.odeon_id]
    assert [row["showtime_id"] for row in data["rows"]] == [sales.odeon]
    assert data["totals"]["sold"] == 3
    assert data["totals"]["revenue"] == 3750  # minor units in JSON
    assert set(data["rows"][0]) == set(data["totals"])


def test_cli_table_has_a_totals_row(report_cli):
    result = report_cli("report", "extras")

    assert result.exit_code == 0, result.stderr
    assert "Popcorn" in result.stdout
    last = [line for line in result.stdout.splitlines() if "total" in line][-1]
    assert "$23.50" in last and "4" in last


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2030-13-01"], "from: '2030-13-01' is not a date (YYYY-MM-DD)"),
        (["--from", "2030-03-11", "--to", "2030-03-10"], "before the start"),
        (["--theater", "nowhere"], "no theater 'nowhere'"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(cli, args, message):
    assert message in cli("report", "sales", *args).error_line()


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(
    report_cli, box_office, admin, sales
):
    movie_id = box_office.schedule.showtime(admin, sales.late).movie_id
    box_office.catalog.edit_movie(admin, movie_id, title='=HYPERLINK("http://x")')

    result = report_cli("report", "movies", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    titles = [row[rows[0].index("title")] for row in rows[1:-1]]
    assert '\'=HYPERLINK("http://x")' in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_start_is_quoted_and_plain_text_is_not(start):
    from console.commands.report import spreadsheet_safe

    assert spreadsheet_safe(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert spreadsheet_safe("Nosferatu") == "Nosferatu"
    assert spreadsheet_safe(-500) == -500
