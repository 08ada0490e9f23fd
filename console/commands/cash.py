"""``marquee cash open|drop|close|report``: the cash drawer of a counter shift.

Cash sales (``marquee book --pay cash``) and cash refunds need the seller's
open shift; they are counted in it automatically. Amounts are typed as decimal
text ("100.00"); JSON amounts are integer minor units.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Annotated, Any

import typer
from rich.text import Text

from console import context
from console.options import AsJson
from console.parsing import parse_date
from console.render import emit_json, render, render_record, stdout
from console.theater_times import shown_at_theater
from core.errors import InvalidInput
from core.money import format_amount, parse_amount
from core.services.cash import ShiftSummary

cash = typer.Typer(help="The cash drawer: open a shift, drops, close and count.")


def register(app: typer.Typer) -> None:
    app.add_typer(cash, name="cash", no_args_is_help=True)


Theater = Annotated[
    str | None, typer.Option("--theater", help="Default: the only theater you work at.")
]
ShiftId = Annotated[str | None, typer.Option("--shift", help="A shift id.")]


def _amount(text: str, field: str) -> int:
    return parse_amount(text, context.currency(), field)


def over_short_text(summary: ShiftSummary) -> str:
    if summary.over_short is None:
        return "open"
    money = format_amount(abs(summary.over_short), summary.currency)
    if summary.over_short > 0:
        return f"over {money}"
    return f"short {money}" if summary.over_short < 0 else "balanced"


def _fields(s: ShiftSummary) -> dict[str, Any]:
    money = partial(format_amount, currency=s.currency)
    return {
        "shift": s.shift_id,
        "theater": s.theater_id,
        "drawer": s.drawer,
        "staff": s.staff,
        "state": s.state,
        "opened": shown_at_theater(s.opened_at, s.theater_id),
        "closed": shown_at_theater(s.closed_at, s.theater_id),
        "float": money(s.opening_float),
        "sales": f"{money(s.sales)} ({s.sales_count})",
        "received": money(s.received),
        "change_given": money(s.change_given),
        "refunds": f"{money(s.refunds)} ({s.refunds_count})",
        "drops": money(s.drops),
        "expected": money(s.expected),
        "counted": money(s.counted) if s.counted is not None else None,
        "over_short": over_short_text(s),
    }


@cash.command("open")
def open_shift(
    drawer: Annotated[str, typer.Option("--drawer", help="The till, like TILL1.")],
    opening_float: Annotated[str, typer.Option("--float", help="Cash in the drawer, 100.00.")],
    theater: Theater = None,
    as_json: AsJson = False,
) -> None:
    """Open a shift on a drawer with its float."""
    shift = context.services().cash.open_shift(
        context.actor(),
        drawer=drawer,
        opening_float=_amount(opening_float, "float"),
        theater_id=theater,
    )
    if as_json:
        emit_json(shift)
        return
    money = format_amount(shift.opening_float, context.currency())
    stdout.print(Text(f"opened shift {shift.id} on drawer {shift.drawer} with float {money}"))


@cash.command("drop")
def drop(
    amount: str,
    note: Annotated[str, typer.Option("--note", help="Where it went, like safe.")] = "",
    as_json: AsJson = False,
) -> None:
    """Take cash from the drawer to the safe."""
    box_office, actor = context.services(), context.actor()
    shift = box_office.cash.drop(actor, _amount(amount, "amount"), note)
    summary = box_office.cash.summary(actor, shift.id)
    if as_json:
        emit_json(asdict(summary))
        return
    money = partial(format_amount, currency=summary.currency)
    dropped = money(shift.drops[-1].amount)
    stdout.print(Text(f"dropped {dropped}; the drawer should now hold {money(summary.expected)}"))


@cash.command("close")
def close_shift(
    counted: Annotated[str, typer.Option("--counted", help="Cash counted, like 412.50.")],
    shift: ShiftId = None,
    as_json: AsJson = False,
) -> None:
    """Close your shift (managers: --shift ID) with the cash counted in the drawer."""
    summary = context.services().cash.close(
        context.actor(), _amount(counted, "counted"), shift_id=shift
    )
    if as_json:
        emit_json(asdict(summary))
        return
    money = partial(format_amount, currency=summary.currency)
    stdout.print(Text(f"closed shift {summary.shift_id} on drawer {summary.drawer}"))
    stdout.print(Text(f"expected {money(summary.expected)}"))
    stdout.print(Text(f"counted  {money(summary.counted)}"))
    stdout.print(Text(over_short_text(summary), "bold"))


@cash.command("report")
def report(
    shift: ShiftId = None,
    date: Annotated[str | None, typer.Option("--date", help="Shifts opened on YYYY-MM-DD.")] = None,
    theater: Theater = None,
    as_json: AsJson = False,
) -> None:
    """One shift's figures (default: yours), or every shift of a day."""
    box_office, actor = context.services(), context.actor()
    if shift and date:
        raise InvalidInput("date", "give --shift or --date, not both")
    if date is None:
        if theater:
            raise InvalidInput("theater", "only goes with --date")
        summary = box_office.cash.summary(actor, shift)
        render_record(_fields(summary), as_json, json_data=asdict(summary))
        return
    rows = box_office.cash.shifts(actor, on=parse_date(date, "date"), theater_id=theater)
    columns = ["shift", "drawer", "staff", "opened", "closed", "float", "sales", "refunds"]
    columns += ["drops", "expected", "counted", "over_short"]
    render(
        [_fields(row) for row in rows],
        as_json,
        columns,
        title="Cash drawer shifts",
        json_rows=[asdict(row) for row in rows],
    )
