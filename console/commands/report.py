"""``marquee report KIND``: manager reports as a table, CSV or JSON, each with totals.

Each kind of report is one entry of ``KINDS``; :func:`add_kind` registers a
new one as a subcommand with the shared options. Dates are the theaters' local
dates (YYYY-MM-DD, both ends included). In CSV, amounts are decimal text
(12.50); in JSON, integer minor units like every record's JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from console import context
from console.parsing import parse_date
from console.progress import while_waiting
from console.render import cell, done, emit_json, stdout
from console.theater_times import shown_at_theater
from core.bootstrap import BoxOffice
from core.money import decimal_amount, format_amount
from core.services.access import Actor
from core.services.reports import Report
from core.services.shift_report import shift_report

app = typer.Typer(help="Reports for managers, with totals.", no_args_is_help=True)

Run = Callable[[BoxOffice, Actor, dt.date | None, dt.date | None, str | None], Report]


@dataclass(frozen=True)
class ReportKind:
    name: str
    help: str
    run: Run


KINDS: dict[str, ReportKind] = {}


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


From = Annotated[str | None, typer.Option("--from", help="First date, YYYY-MM-DD.")]
To = Annotated[str | None, typer.Option("--to", help="Last date, YYYY-MM-DD (included).")]
Theater = Annotated[str | None, typer.Option("--theater", help="One theater (default: all).")]
FormatOption = Annotated[Format, typer.Option("--format", help="table | csv | json")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")  # sales, occupancy and seats: see report_charts


def add_kind(kind: ReportKind, *, command_too: bool = True) -> None:
    """Make ``marquee report NAME`` run ``kind`` with the shared options (sales and
    occupancy get their commands, with pictures, from :mod:`report_charts`)."""

    def command(
        start: From = None,
        end: To = None,
        theater: Theater = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        OUTPUTS[fmt](run_kind(kind, start, end, theater))

    KINDS[kind.name] = kind
    if command_too:
        app.command(kind.name, help=kind.help)(command)


def run_kind(kind: ReportKind, start: str | None, end: str | None, theater: str | None) -> Report:
    """The report of ``kind`` over the dates as typed (checked here first)."""
    first, last = parse_date(start, "from"), parse_date(end, "to")
    box_office, actor = context.services(), context.actor()
    return while_waiting(
        f"computing the {kind.name} report",
        lambda: kind.run(box_office, actor, first, last, theater),
    )


@app.command("rebuild")
def rebuild() -> None:
    """Write every booking's sales line again (a database made before reports, a crash)."""
    box_office, actor = context.services(), context.actor()
    count = while_waiting("rewriting sales lines", lambda: box_office.reports.rebuild(actor))
    done(f"{count} bookings have a sales line")


# -- output ------------------------------------------------------------------------
def _shown(report: Report, column: str, value: Any, amount: Callable[[int, str], str]) -> Any:
    if column in report.money_columns():
        return amount(value, report.currency)
    return value


def print_table(report: Report) -> None:
    columns = report.columns()
    table = Table(title=_title(report), header_style="bold", title_justify="left")
    for column in columns:
        table.add_column(
            column.replace("_", " "), justify="left" if _is_text(report, column) else "right"
        )
    for row in report.rows:
        table.add_row(*(cell(_table_value(report, row, column)) for column in columns))
    table.add_section()
    table.add_row(
        *(cell(_table_value(report, report.totals, column)) for column in columns), style="bold"
    )
    stdout.print(table)


def _table_value(report: Report, row: Any, column: str) -> Any:
    value = getattr(row, column)
    if isinstance(value, float):
        return f"{value:.1f}%"
    return _shown(report, column, value, format_amount)


def _is_text(report: Report, column: str) -> bool:
    return isinstance(getattr(report.totals, column), str)


def _title(report: Report) -> str:
    start, end = report.start, report.end
    if start and end:
        dates = f"{start} to {end}"
    else:
        dates = f"from {start}" if start else (f"until {end}" if end else "all dates")
    where = ", ".join(report.theaters) if report.theaters is not None else "all theaters"
    return f"{report.title}, {dates}, {where}"


# A cell that starts with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (a movie titled ``=HYPERLINK(...)``) is
    written with a leading apostrophe, so it shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(report: Report) -> None:
    columns = report.columns()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in [*report.rows, report.totals]:
        writer.writerow([_csv_cell(report, column, getattr(row, column)) for column in columns])


def _csv_cell(report: Report, column: str, value: Any) -> Any:
    shown = _shown(report, column, value, decimal_amount)
    # An amount is a number ("-5.00" is a refund), never a formula.
    return shown if column in report.money_columns() else spreadsheet_safe(shown)


def write_json(report: Report) -> None:
    emit_json(report_document(report))


def report_document(report: Report) -> dict[str, Any]:
    """A report as its JSON document: rows and totals, amounts in minor units."""
    columns = report.columns()

    def picked(row: Any) -> dict[str, Any]:
        values = asdict(row)
        return {column: values[column] for column in columns}

    return {
        "report": report.kind,
        "from": report.start,
        "to": report.end,
        "theaters": report.theaters,
        "currency": report.currency,
        "rows": [picked(row) for row in report.rows],
        "totals": picked(report.totals),
    }


OUTPUTS: dict[Format, Callable[[Report], None]] = {
    Format.table: print_table,
    Format.csv: write_csv,
    Format.json: write_json,
}

# -- the kinds -----------------------------------------------------------------------
SALES_HELP = "Sales per day: bookings, tickets, revenue, discounts, refunds, net."
OCCUPANCY_HELP = "Seats sold per showtime against the hall's capacity."
for _name, _help in (
    ("sales", SALES_HELP),
    ("occupancy", OCCUPANCY_HELP),
    ("movies", "Per movie: showtimes, tickets, ticket revenue, average occupancy."),
    ("extras", "Per extra: quantity sold and revenue."),
):
    add_kind(
        ReportKind(
            _name,
            _help,
            lambda box_office, actor, start, end, theater, _name=_name: getattr(
                box_office.reports, _name
            )(actor, start, end, theater),
        ),
        command_too=_name not in ("sales", "occupancy"),
    )


add_kind(
    ReportKind(
        "shifts",
        "Cash drawer shifts: float, cash sales and refunds, drops, expected, counted, over/short.",
        lambda box_office, actor, start, end, theater: shift_report(
            box_office.cash, actor, start, end, theater, context.currency(), shown_at_theater
        ),
    )
)
