"""``marquee report sales|occupancy --chart`` and ``marquee report seats AUDITORIUM``:
the reports managers read at a glance. The table (or CSV, JSON) is printed as ever;
``--chart`` draws the picture below it, ``--png FILE`` / ``--svg FILE`` also write it
as an image (and imply ``--chart``). With ``--format json`` the picture's numbers are
in the document instead, under ``chart``."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer

from console import context
from console.commands.report import (
    KINDS,
    OCCUPANCY_HELP,
    OUTPUTS,
    SALES_HELP,
    Format,
    FormatOption,
    From,
    Theater,
    To,
    app,
    report_document,
    run_kind,
)
from console.parsing import parse_date
from console.progress import while_waiting
from console.render import emit_json, plain, stdout

ChartOption = Annotated[bool, typer.Option("--chart", help="Draw the picture below the table.")]
Png = Annotated[str | None, typer.Option("--png", help="Also write the picture as a PNG file.")]
Svg = Annotated[str | None, typer.Option("--svg", help="Also write the picture as an SVG file.")]
Period = Annotated[
    str | None, typer.Option("--period", help="day | week (default: weeks beyond two months).")
]


class Per(StrEnum):
    showtime = "showtime"
    movie = "movie"


class SeatsFormat(StrEnum):
    table = "table"
    json = "json"


PerOption = Annotated[Per, typer.Option("--by", help="showtime | movie")]


def register(root: typer.Typer) -> None:
    """Add the commands to ``marquee report`` (registered on the root after it)."""
    app.command("sales", help=SALES_HELP + " --chart draws net sales per day or week.")(sales)
    app.command("occupancy", help=OCCUPANCY_HELP + " --chart draws it as sorted bars.")(occupancy)
    app.command("seats", help="A hall's seats shaded by how often each sold over a range.")(seats)


def _width() -> int:
    return max(60, min(stdout.width, 100))


def sales(
    start: From = None,
    end: To = None,
    theater: Theater = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    period: Period = None,
    png: Png = None,
    svg: Svg = None,
) -> None:
    report = run_kind(KINDS["sales"], start, end, theater)
    if not (chart or png or svg):
        OUTPUTS[fmt](report)
        return
    from console import charts

    first, last = parse_date(start, "from"), parse_date(end, "to")
    box_office, actor = context.services(), context.actor()
    trend = while_waiting(
        "computing net sales over time",
        lambda: box_office.reports.sales_trend(actor, first, last, theater, period),
    )
    picture = charts.sales_chart(trend, _width())
    title = f"Net sales per {trend.period}"
    _images(picture, title, png, svg, lambda: _report_images().sales_png(trend))
    points = [asdict(point) for point in trend.points]
    _print(fmt, report, picture, {"period": trend.period, "points": points})


def occupancy(
    start: From = None,
    end: To = None,
    theater: Theater = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    by: PerOption = Per.showtime,
    png: Png = None,
    svg: Svg = None,
) -> None:
    report = run_kind(KINDS["occupancy" if by is Per.showtime else "movies"], start, end, theater)
    if not (chart or png or svg):
        OUTPUTS[fmt](report)
        return
    from console import charts

    if by is Per.showtime:
        days = {row.starts[:10] for row in report.rows}
        when = (lambda starts: starts) if len(days) > 1 else (lambda starts: starts[11:])
        bars = [
            charts.Bar(f"{when(row.starts)} {row.movie} ({row.auditorium})", row.percent)
            for row in report.rows
        ]
    else:
        bars = [charts.Bar(row.title, row.occupancy) for row in report.rows]
    title = f"Occupancy per {by.value}"
    picture = charts.occupancy_bars(bars, title, _width())
    _images(picture, title, png, svg, lambda: _report_images().occupancy_png(bars, title))
    points = [{"label": bar.label, "percent": bar.percent} for bar in bars]
    _print(fmt, report, picture, {"by": by.value, "bars": points})


def seats(
    auditorium: Annotated[str, typer.Argument(help="The auditorium's id.")],
    start: From = None,
    end: To = None,
    fmt: Annotated[SeatsFormat, typer.Option("--format", help="table | json")] = SeatsFormat.table,
    png: Png = None,
    svg: Svg = None,
) -> None:
    from console import charts

    first, last = parse_date(start, "from"), parse_date(end, "to")
    box_office, actor = context.services(), context.actor()
    heatmap = while_waiting(
        "counting the seats sold",
        lambda: box_office.reports.seat_heatmap(actor, auditorium, first, last),
    )
    picture = charts.heatmap_view(heatmap)
    title = f"Seats sold in {heatmap.auditorium}"
    _images(picture, title, png, svg, lambda: _report_images().heatmap_png(heatmap))
    if fmt is SeatsFormat.json:
        emit_json(charts.heatmap_document(heatmap))
    else:
        stdout.print(picture)


def _report_images():
    from console import report_images  # matplotlib only when an image is asked for

    return report_images


def _images(picture: Any, title: str, png: str | None, svg: str | None, make_png: Any) -> None:
    """Write the asked images, each made whole in memory first."""
    images = _report_images()
    if svg:
        images.write_image(svg, images.svg_of(picture, title, _width()), "svg")
    if png:
        images.write_image(png, make_png(), "png")


def _print(fmt: Format, report: Any, picture: Any, numbers: dict[str, Any]) -> None:
    if fmt is Format.json:
        emit_json({**report_document(report), "chart": plain(numbers)})
        return
    OUTPUTS[fmt](report)
    if fmt is Format.table:
        stdout.print(picture)
