"""``marquee``: the box office from the terminal, for staff, managers and scripts."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.text import Text
from typer.core import TyperGroup
from typer.models import CommandInfo, TyperInfo

from console import context
from console.commands import (
    audit,
    booking,
    cash,
    config,
    counter,
    db,
    demo,
    devices,
    doctor,
    door,
    keys,
    kiosk,
    layouts,
    movies,
    notify,
    prices,
    promos,
    report,
    report_charts,
    seats,
    serve,
    shows,
    theaters,
    tickets,
    users,
)
from console.render import stderr, stdout
from core.bootstrap import STORAGE_FAILURES
from core.errors import MarqueeError, PermissionDenied
from core.text import printable
from core.version import marquee_version

# `marquee --help` groups the commands by what they are for.
PANELS = {
    "Catalog": [
        "movies",
        "theaters",
        "auditoriums",
        "layouts",
        "shows",
        "prices",
        "extras",
        "promos",
    ],
    "Selling": ["seats", "book", "bookings", "kiosk", "console"],
    "Money": ["cash", "payments", "report"],
    "Door": ["door", "tickets"],
    "People": ["users", "login", "logout", "whoami", "audit"],
    "Operations": ["serve", "db", "doctor", "demo", "devices", "notify", "keys", "config"],
}
ORDER = [name for names in PANELS.values() for name in names]


class _InPanelOrder(TyperGroup):
    """Lists the commands panel by panel, in the order of PANELS."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


app = typer.Typer(
    name="marquee",
    cls=_InPanelOrder,
    help="Marquee: a cinema box office that lives in the terminal.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.command("demo")(demo.seed_demo)
for module in (
    movies,
    prices,
    theaters,
    layouts,
    shows,
    promos,
    seats,
    booking,
    cash,
    config,
    tickets,
    notify,
    kiosk,
    door,
    users,
    keys,
    audit,
    counter,
    report,
    report_charts,
    devices,
    serve,
    config,
    doctor,
):
    module.register(app)


def _place_in_panels(root: typer.Typer) -> None:
    panel_of = {name: panel for panel, names in PANELS.items() for name in names}

    def name(info: CommandInfo | TyperInfo) -> str:
        return info.name or info.callback.__name__.replace("_", "-")

    for infos in (root.registered_commands, root.registered_groups):
        for info in infos:
            # One missing here shows under "Commands" (tests/test_cli_help.py refuses that).
            info.rich_help_panel = panel_of.get(name(info))


_place_in_panels(app)


def _print_version(wanted: bool) -> None:
    if wanted:
        stdout.print(f"marquee {marquee_version()}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the installed version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Marquee: a cinema box office that lives in the terminal."""


class _NoteOnStderr(logging.Handler):
    """What a shared server (the embedded database, the local box-office server) has to
    say while a command waits for its lock: one line."""

    def emit(self, record: logging.LogRecord) -> None:
        stderr.print(Text.assemble(("note: ", "bold"), record.getMessage()))


def say_lease_notes() -> None:
    notes = logging.getLogger("marquee.lease")
    if not any(isinstance(handler, _NoteOnStderr) for handler in notes.handlers):
        notes.addHandler(_NoteOnStderr(logging.WARNING))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every failure is one line on stderr and a non-zero exit code."""
    say_lease_notes()
    try:
        result = app(args=argv, standalone_mode=False, prog_name="marquee")
        return result if isinstance(result, int) else 0
    except PermissionDenied as error:
        signed_out = context.signed_out()
        fail(str(error) + (" (sign in with `marquee login`)" if signed_out else ""))
        return error.exit_code
    except MarqueeError as error:
        fail(str(error))
        return error.exit_code
    except STORAGE_FAILURES as error:
        fail(f"database error: {error.__class__.__name__}: {str(error).splitlines()[0]}")
        return 3
    except typer.Exit as exit_:
        return exit_.exit_code
    except typer.Abort:
        fail("aborted")
        return 130
    except typer.TyperException as error:
        ctx = getattr(error, "ctx", None)
        # A group run without a command: its help (Typer's own test, by the class name).
        if type(error).__name__ == "NoArgsIsHelpError" and ctx is not None:
            stdout.print(ctx.get_help())
            return 0
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = error.format_message().replace("\n", " ").replace("Value error, ", "")
        fail(message + hint)
        return error.exit_code
    except Exception as error:  # a bug: still one line, never a traceback
        fail(f"unexpected {error.__class__.__name__}{_first_line(error)}")
        return 1
    finally:
        context.close()


def _first_line(error: Exception) -> str:
    """What an unexpected error says, unless it could repeat a secret it was given."""
    lines = str(error).splitlines()
    if isinstance(error, ValidationError) or not lines:
        return ""
    return ": " + lines[0][:200]


def fail(message: str) -> None:
    """One line on stderr; control characters in it are shown escaped."""
    stderr.print(Text.assemble(("error: ", "bold red"), printable(message)))


def run() -> None:
    sys.exit(main())


def run_kiosk() -> None:
    """``marquee-kiosk [--theater THEATER] [--demo]``: the same as ``marquee kiosk``."""
    sys.exit(main(["kiosk", *sys.argv[1:]]))


if __name__ == "__main__":  # python -m console.cli, as `marquee`
    run()
