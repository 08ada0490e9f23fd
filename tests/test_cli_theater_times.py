"""Times the CLI prints are the theater's local times, its zone named when it is not
this machine's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cli_support import seed_cinema


def test_shifts_bookings_and_the_audit_trail_show_the_theaters_local_time(
    cli, box_office, admin, monkeypatch
):
    monkeypatch.setenv("TZ", "UTC")  # this machine; the theater is in Tokyo
    show = seed_cinema(box_office, admin)
    box_office.venues.edit_theater(admin, "roxy", timezone="Asia/Tokyo")
    assert cli("cash", "open", "--drawer", "TILL1", "--float", "100").exit_code == 0
    sold = cli("book", show, "--seats", "A1", "--pay", "cash", "--tendered", "20", "--json")
    assert sold.exit_code == 0, sold.stderr
    reference = sold.json()["reference"]
    tokyo = ZoneInfo("Asia/Tokyo")
    shift = box_office.store.cash_shifts.open_of("local-admin")
    opened = f"{shift.opened_at.astimezone(tokyo):%Y-%m-%d %H:%M} JST"
    booking = box_office.store.bookings.by_reference(reference)
    created = f"{booking.created_at.astimezone(tokyo):%Y-%m-%d %H:%M} JST"

    assert opened in cli("cash", "report").stdout
    today = dt.datetime.now(tokyo).date().isoformat()
    assert opened in cli("report", "shifts", "--from", today, "--to", today).stdout
    assert created in cli("bookings", "list", "--show", show).stdout
    assert f"  {created} " in cli("bookings", "show", reference).stdout
    trail = cli("audit", "list").stdout
    assert f"{opened[:16]}" in trail and "JST" in trail
