"""``marquee --help``: commands grouped by what they are for, every closed set of
choices listed (and offered by shell completion), anything else refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from console.cli import PANELS, app

CHOICES = {
    "book": ("--pay", "cash|simulated|stripe_terminal|stripe_checkout|paypal"),
    "bookings exchange": ("--pay", "cash|simulated|stripe_terminal|stripe_checkout|paypal"),
    "bookings list": ("--state", "pending_payment|confirmed|cancelled|refunded|expired|refund_due"),
    "notify outbox": ("--state", "queued|sending|sent|failed"),
    "devices add": ("--kind", "kiosk|door|counter"),
    "extras add": ("--kind", "snack|drink|combo|other"),
    "extras edit": ("--kind", "snack|drink|combo|other"),
    "users add": ("--role", "staff|manager|admin"),
    "users set-role": ("--role", "staff|manager|admin"),
    "keys rotate": ("purpose", "sessions|tickets"),
    "keys import": ("purpose", "sessions|tickets"),
    "shows add": ("--format", "2D|3D|IMAX|IMAX3D|4DX|Dolby|70mm"),
    "shows edit": ("--format", "2D|3D|IMAX|IMAX3D|4DX|Dolby|70mm"),
    "promos edit": ("--clear", "max-uses|from|until|movies|shows"),
    "report sales": ("--format", "table|csv|json"),
}


def _squeezed(text: str) -> str:
    """Help text without its frame and line breaks, so a wrapped list reads whole."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


def test_the_help_groups_every_command_in_a_panel(cli):
    result = cli("--help")

    assert result.exit_code == 0, result.stderr
    panels = ["Catalog", "Selling", "Money", "Door", "People", "Operations"]
    places = [result.stdout.find(f"─ {panel} ─") for panel in panels]
    assert -1 not in places and places == sorted(places)  # every panel, in this order
    assert "─ Commands ─" not in result.stdout  # nothing left outside a panel
    listed = [info.rich_help_panel for info in [*app.registered_commands, *app.registered_groups]]
    assert set(listed) == set(PANELS)


@pytest.mark.parametrize("command", CHOICES, ids=CHOICES.keys())
def test_the_help_lists_the_choices(cli, command):
    option, choices = CHOICES[command]

    result = cli(*command.split(), "--help")

    assert result.exit_code == 0, result.stderr
    assert option in result.stdout
    assert choices in _squeezed(result.stdout)


def _counts(box_office) -> dict[str, int]:
    database = box_office.connection.database
    return {name: database[name].count_documents({}) for name in database.list_collection_names()}


@pytest.mark.parametrize(
    ("args", "option", "choices"),
    [
        (["devices", "add", "Lobby", "--kind", "toaster"], "--kind", "'kiosk', 'door', 'counter'"),
        (["book", "SHOW", "--seats", "A1", "--pay", "bitcoin"], "--pay", "'cash', 'simulated'"),
        (["users", "add", "ann", "--role", "owner"], "--role", "'staff', 'manager', 'admin'"),
        (["bookings", "list", "--state", "lost"], "--state", "'pending_payment', 'confirmed'"),
    ],
)
def test_a_bad_choice_is_one_line_and_exit_2(cli, box_office, args, option, choices):
    before = _counts(box_office)

    result = cli(*args)

    line = result.error_line()
    assert result.exit_code == 2
    assert line.startswith(f"error: Invalid value for '{option}': ")
    assert choices in line
    assert "Value error" not in line
    assert _counts(box_office) == before  # nothing written


def test_shell_completion_offers_the_choices(environment):
    env = dict(os.environ) | {
        "_MARQUEE_COMPLETE": "complete_bash",
        "COMP_WORDS": "marquee devices add Lobby --kind ",
        "COMP_CWORD": "5",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from console.cli import run; run()"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["kiosk", "door", "counter"]


def test_the_help_offers_completion_for_the_shell(cli):
    result = cli("--help")

    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout
