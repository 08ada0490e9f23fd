"""`marquee tickets scan|list|checkins` and the tokens of `bookings show --json`."""

from __future__ import annotations

import pytest
from cli_support import open_doors


@pytest.fixture
def soon(box_office, admin) -> str:
    """A showtime of 'heat' starting in ten minutes: its doors are open now."""
    return open_doors(box_office, admin)


@pytest.fixture
def reference(cli, soon) -> str:
    booked = cli("book", soon, "--seats", "A1,A2", "--pay", "simulated", "--json")
    assert booked.exit_code == 0, booked.stderr
    return booked.json()["reference"]


def test_list_then_scan_admits_once(cli, reference, soon):
    listed = cli("tickets", "list", reference, "--json")
    assert listed.exit_code == 0, listed.stderr
    tokens = {row["seat_id"]: row["token"] for row in listed.json()}
    assert sorted(tokens) == ["A1", "A2"]

    first = cli("tickets", "scan", tokens["A1"], "--door", "north", "--show", soon, "--json")
    assert first.exit_code == 0, first.stderr
    data = first.json()
    assert data["verdict"] == "ADMIT" and data["admitted"] is True
    assert (data["seat_id"], data["movie"], data["door"]) == ("A1", "Heat", "north")

    again = cli("tickets", "scan", tokens["A1"], "--door", "south", "--json")
    assert again.exit_code == 1
    assert again.json()["verdict"] == "ALREADY_ADMITTED"
    assert again.json()["admitted_door"] == "north"

    counts = cli("tickets", "checkins", soon, "--json")
    assert counts.exit_code == 0, counts.stderr
    assert counts.json() == {"showtime": soon, "admitted": 1, "sold": 2}


def test_scan_shows_a_big_verdict_and_exit_codes(cli, reference):
    token = cli("tickets", "list", reference, "--json").json()[0]["token"]
    admitted = cli("tickets", "scan", token)
    assert admitted.exit_code == 0, admitted.stderr
    assert "ADMIT" in admitted.stdout and "A1 · Heat · " in admitted.stdout
    refused = cli("tickets", "scan", token)
    assert refused.exit_code == 1
    assert "ALREADY ADMITTED" in refused.stdout
    forged = cli("tickets", "scan", "MQ1.abc.def", "--json")
    assert forged.exit_code == 1
    assert forged.json()["verdict"] == "NOT_VALID"
    assert "NOT VALID" in cli("tickets", "scan", "junk").stdout


def test_wrong_showtime_and_refunded_seat(cli, reference):
    tokens = {r["seat_id"]: r["token"] for r in cli("tickets", "list", reference, "--json").json()}
    wrong = cli("tickets", "scan", tokens["A1"], "--show", "another-show", "--json")
    assert (wrong.exit_code, wrong.json()["verdict"]) == (1, "WRONG_SHOWTIME")
    assert cli("bookings", "cancel", reference, "--seats", "A2").exit_code == 0
    refunded = cli("tickets", "scan", tokens["A2"], "--json")
    assert (refunded.exit_code, refunded.json()["verdict"]) == (1, "REFUNDED")


def test_booking_show_json_has_tokens_that_verify(cli, box_office, reference, soon):
    data = cli("bookings", "show", reference, "--json").json()
    assert data["reference"] == reference
    assert [t["seat_id"] for t in data["tickets"]] == ["A1", "A2"]
    for entry in data["tickets"]:
        ticket = box_office.tickets.verify(entry["token"])
        assert ticket is not None
        assert (ticket.reference, ticket.showtime_id, ticket.seat_id) == (
            reference,
            soon,
            entry["seat_id"],
        )


def test_unknown_booking_and_show_are_one_line_errors(cli, soon):
    assert "no booking" in cli("tickets", "list", "ZZZZZZ").error_line()
    assert "no showtime" in cli("tickets", "checkins", "nope").error_line()
