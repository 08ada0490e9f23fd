"""Seats off sale for a showtime: what a layout change left behind is undone when the
seats come back, and managers can list what is withheld and why."""

from __future__ import annotations

import pytest
from cli_support import seed_cinema

from core.errors import InvalidInput, PermissionDenied

SMALLER = "=== SCREEN ===\nA  SSSSSSSS\nB  SSSSVV\n"  # no wheelchair space, two seats fewer


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_seats_a_layout_took_away_are_for_sale_again_when_it_is_restored(
    cli, box_office, admin, tmp_path
):
    show = seed_cinema(box_office, admin)
    room = box_office.store.showtimes.get(show).auditorium_id
    original = write(tmp_path, "original.txt", box_office.store.auditoriums.get(room).layout)
    assert (
        cli("auditoriums", "edit", room, "--layout", write(tmp_path, "s.txt", SMALLER)).exit_code
        == 0
    )
    assert cli("auditoriums", "edit", room, "--layout", original).exit_code == 0
    data = cli("seats", show, "--json").json()
    assert (data["capacity"], data["counts"]["free"], data["counts"]["blocked"]) == (16, 16, 0)
    assert cli("seats", show, "--withheld", "--json").json() == {"showtime": show, "withheld": []}
    booked = cli("book", show, "--seats", "B1,B2", "--pay", "simulated", "--json").json()
    assert booked["state"] == "confirmed"  # the wheelchair space and its companion seat


def test_managers_see_which_seats_are_withheld_and_why(cli, box_office, admin):
    show = seed_cinema(box_office, admin)
    box_office.inventory.block(admin, show, ["A3", "A4"], "house seats")
    listed = cli("seats", show, "--withheld", "--json").json()
    assert listed["withheld"] == [
        {"seat": "A3", "reason": "house seats"},
        {"seat": "A4", "reason": "house seats"},
    ]
    shown = cli("seats", show, "--withheld")
    assert shown.exit_code == 0
    assert "Withheld seats: Dune" in shown.stdout
    assert "│ A3   │ house seats │" in shown.stdout
    box_office.inventory.unblock(admin, show, ["A3", "A4"])
    assert cli("seats", show, "--withheld").stdout.startswith("No seats withheld: Dune")


def test_seats_blocked_in_the_layout_are_withheld_too(box_office, admin, hall, staff):
    assert box_office.inventory.withheld(admin, hall.showtime_id) == {"A8": "blocked in the layout"}
    with pytest.raises(PermissionDenied):
        box_office.inventory.withheld(staff, hall.showtime_id)


@pytest.mark.parametrize("reason", ["", "  ", "broken\x1b[2J", "bell\x07"])
def test_a_reason_for_blocking_is_plain_words(box_office, admin, hall, reason):
    with pytest.raises(InvalidInput, match="reason"):
        box_office.inventory.block(admin, hall.showtime_id, ["A3"], reason)
    assert box_office.inventory.withheld(admin, hall.showtime_id) == {"A8": "blocked in the layout"}
