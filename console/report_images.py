"""The report pictures as image files: SVG is Rich's export of the very terminal
picture; PNG is drawn with matplotlib (imported only when a PNG is asked for, so
``marquee`` starts as fast as ever). The image is made in memory and written in one
go, so a path that cannot be written leaves nothing half-written behind."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, RenderableType

from console.charts import HEAT_COLOURS, LEVEL_TOPS, Bar, heat_level, major, point_label
from core.errors import InvalidInput
from core.layout import parse_layout
from core.records import SalesTrend, SeatHeatmap
from core.text import printable


def write_image(path: str, data: bytes, option: str) -> None:
    target = Path(path)
    try:
        target.write_bytes(data)
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise InvalidInput(option, f"cannot write {printable(path)}: {reason}") from None


def svg_of(renderable: RenderableType, title: str, width: int = 100) -> bytes:
    console = Console(record=True, width=width, file=io.StringIO(), color_system="truecolor")
    console.print(renderable)
    return console.export_svg(title=title).encode("utf-8")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from matplotlib import pyplot

    return pyplot


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    _pyplot().close(figure)
    return buffer.getvalue()


def sales_png(trend: SalesTrend) -> bytes:
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(10, 4))
    labels = [point_label(point, trend.period) for point in trend.points]
    axes.bar(labels, [major(point.net, trend.currency) for point in trend.points], color="green")
    axes.set_title(f"Net sales per {trend.period} ({trend.currency})")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    return _png(figure)


def occupancy_png(bars: Sequence[Bar], title: str) -> bytes:
    pyplot = _pyplot()
    ordered = sorted(bars, key=lambda bar: (-bar.percent, bar.label))
    figure, axes = pyplot.subplots(figsize=(10, 1 + 0.4 * max(len(ordered), 1)))
    labels = [printable(bar.label) for bar in ordered][::-1]
    values = [bar.percent for bar in ordered][::-1]
    drawn = axes.barh(labels, values, color="teal")
    axes.bar_label(drawn, labels=[f"{value:.1f}%" for value in values], padding=3)
    axes.set_xlim(0, 100)
    axes.set_title(title)
    return _png(figure)


def heatmap_png(heatmap: SeatHeatmap) -> bytes:
    from matplotlib.colors import ListedColormap

    pyplot = _pyplot()
    layout = parse_layout(heatmap.layout)
    width = max(len(row.cells) for row in layout.rows)
    grid = [[-1.0] * width for _ in layout.rows]  # -1: no seat there
    for y, row in enumerate(layout.rows):
        for x, seat in enumerate(row.cells):
            if seat is not None and not seat.blocked:
                grid[y][x] = heat_level(heatmap.sold.get(seat.id, 0), heatmap.showtimes)
    colours = ListedColormap(["white", *[_named(name) for name in HEAT_COLOURS]])
    figure, axes = pyplot.subplots(figsize=(max(4, width * 0.35), 1.5 + 0.35 * len(grid)))
    image = axes.imshow(grid, cmap=colours, vmin=-1.5, vmax=len(HEAT_COLOURS) - 0.5)
    axes.set_yticks(range(len(layout.rows)), [row.label for row in layout.rows])
    axes.set_xticks([])
    where = "top" if layout.screen == "top" else "bottom"
    name = printable(heatmap.auditorium)
    axes.set_title(f"{name}: {heatmap.showtimes} showtimes (screen {where})")
    bar = figure.colorbar(image, ticks=range(len(HEAT_COLOURS)))
    bar.ax.set_yticklabels(["never", *(f"up to {top}%" for top in LEVEL_TOPS[1:])])
    bar.ax.set_ylim(-0.5, len(HEAT_COLOURS) - 0.5)
    return _png(figure)


def _named(colour: str) -> str:
    return {"grey50": "#7f7f7f", "blue": "#1f4fd8", "green": "#2ca02c"}.get(colour, colour)
