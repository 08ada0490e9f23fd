"""`marquee cash open|drop|close|report` against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from cli_support import seed_cinema


@pytest.fixture
def show(box_office, admin) -> str:
    return seed_cinema(box_office, admin)


def test_a_shift_from_the_command_line(cli, show):
    opened = cli("cash", "open", "--drawer", "till1", "--float", "100.00")
    assert opened.exit_code == 0, opened.stderr
    assert "on drawer TILL1 with float $100.00" in opened.stdout

    sold = cli("book", show, "--seats", "A1,A2", "--pay", "cash", "--tendered", "30")
    assert sold.exit_code == 0, sold.stderr  # 25.00, change 5.00
    dropped = cli("cash", "drop", "50.00", "--note", "safe")
    assert dropped.exit_code == 0, dropped.stderr
    assert "dropped $50.00; the drawer should now hold $75.00" in dropped.stdout

    report = cli("cash", "report", "--json").json()
    assert (report["opening_float"], report["sales"], report["drops"]) == (10000, 2500, 5000)
    assert (report["received"], report["change_given"]) == (3000, 500)
    assert report["state"] == "open" and report["over_short"] is None

    closed = cli("cash", "close", "--counted", "74.50")
    assert closed.exit_code == 0, closed.stderr
    lines = closed.stdout.splitlines()
    assert lines[1:] == ["expected $75.00", "counted  $74.50", "short $0.50"]

    text = cli("cash", "report")
    assert "short $0.50" in text.stdout and "TILL1" in text.stdout
    today = dt.datetime.now(dt.UTC).date().isoformat()
    rows = cli("cash", "report", "--date", today, "--json").json()
    assert [(r["drawer"], r["expected"], r["counted"], r["over_short"]) for r in rows] == [
        ("TILL1", 7500, 7450, -50)
    ]
    assert "TILL1" in cli("cash", "report", "--date", today).stdout


def test_cash_sale_without_a_shift_is_one_line(cli, box_office, admin, show):
    line = cli("book", show, "--seats", "A1", "--pay", "cash", "--tendered", "20").error_line()
    assert line == "error: open a cash drawer shift first"
    assert str(box_office.inventory.seat_map(admin, show).state("A1")) == "free"
    assert box_office.aftersales.bookings(admin) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["drop", "5"], "open a cash drawer shift first"),
        (["close", "--counted", "5"], "open a cash drawer shift first"),
        (["report"], "open a cash drawer shift first"),
        (["open", "--drawer", "T1", "--float", "ten"], "float: 'ten' is not an amount"),
        (["open", "--drawer", "no way", "--float", "1"], "drawer: 'NO WAY' is not allowed"),
        (["open", "--drawer", "T1", "--float", "1", "--theater", "x"], "no theater 'x'"),
        (["report", "--shift", "abc", "--date", "2030-01-01"], "not both"),
        (["report", "--date", "soon"], "is not a date"),
        (["report", "--shift", "nosuch"], "no cash drawer shift 'nosuch'"),
    ],
)
def test_cash_errors_are_one_line(cli, show, args, message):
    result = cli("cash", *args)
    assert message in result.error_line()
    assert result.exit_code == 1


def test_second_open_and_oversized_drop_are_one_line(cli, show):
    assert cli("cash", "open", "--drawer", "TILL1", "--float", "20").exit_code == 0
    again = cli("cash", "open", "--drawer", "TILL2", "--float", "20")
    assert "already have shift" in again.error_line()
    assert "more than the $20.00" in cli("cash", "drop", "25").error_line()


def test_the_shifts_report_adds_up_the_day(cli, show):
    assert cli("cash", "open", "--drawer", "till1", "--float", "100.00").exit_code == 0
    assert cli("book", show, "--seats", "A1,A2", "--pay", "cash", "--tendered", "30").exit_code == 0
    assert cli("cash", "close", "--counted", "126.00").exit_code == 0  # 1.00 over
    today = dt.datetime.now().date().isoformat()
    report = cli("report", "shifts", "--from", today, "--format", "json").json()
    [row] = report["rows"]
    assert (row["drawer"], row["float"], row["sales"], row["expected"]) == (
        "TILL1",
        10000,
        2500,
        12500,
    )
    assert (row["counted"], row["over_short"]) == (12600, 100)
    assert report["totals"]["over_short"] == 100
    csv = cli("report", "shifts", "--from", today, "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("shift,drawer,staff") and len(csv) == 3  # header, row, totals
