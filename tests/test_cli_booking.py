"""`marquee seats|book|bookings|payments` against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from cli_support import seed_cinema, state


@pytest.fixture
def show(box_office, admin) -> str:
    return seed_cinema(box_office, admin)


@pytest.fixture
def drawer(box_office, admin, show):
    """The local admin's open cash drawer shift: selling for cash needs one."""
    return box_office.cash.open_shift(admin, drawer="TILL1", opening_float=10000)


def test_seats_json_shows_sold_and_held(cli, box_office, admin, show):
    booked = cli("book", show, "--seats", "A1", "--pay", "simulated")
    assert booked.exit_code == 0, booked.stderr
    basket = box_office.booking.new_basket(admin, show)
    basket = box_office.booking.hold(admin, basket.id, ["A2"])
    box_office.inventory.block(admin, show, ["A8"], "broken")

    data = cli("seats", show, "--json").json()
    assert data["showtime"] == show
    assert data["capacity"] == 16
    assert data["counts"] == {"free": 13, "held": 1, "sold": 1, "blocked": 1}
    seats = {seat["id"]: seat for seat in data["seats"]}
    assert seats["A1"]["state"] == "sold"
    assert seats["A2"]["state"] == "held"
    assert seats["A8"]["state"] == "blocked"
    assert dt.datetime.fromisoformat(seats["A2"]["held_until"]) > dt.datetime.now(dt.UTC)
    assert seats["B7"] == {
        "id": "B7",
        "row": "B",
        "number": 7,
        "category": "vip",
        "state": "free",
        "held_until": None,
    }

    drawn = cli("seats", show)
    assert drawn.exit_code == 0, drawn.stderr
    assert "SCREEN" in drawn.stdout
    assert "held 1" in drawn.stdout and "sold 1" in drawn.stdout and "blocked 1" in drawn.stdout
    assert "vip: adult $15.50, child $12.00" in drawn.stdout


def test_book_with_cash_gives_change(cli, box_office, admin, show, drawer):
    result = cli(
        "book",
        show,
        "--seats",
        "a1,A2",
        "--tickets",
        "adult=1,child=1",
        "--extras",
        "popcorn-large=2",
        "--pay",
        "cash",
        "--tendered",
        "50.00",
        "--email",
        "Ann@Example.org",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    booking = result.json()
    assert booking["state"] == "confirmed"
    assert booking["seats"] == [
        {"seat_id": "A1", "ticket_type": "adult", "price": 1250},
        {"seat_id": "A2", "ticket_type": "child", "price": 900},
    ]
    assert booking["extras"][0]["quantity"] == 2
    assert booking["total"] == 1250 + 900 + 2 * 650
    assert booking["discount"] == 0
    assert booking["currency"] == "USD"
    assert booking["change_due"] == 5000 - 3450
    assert state(box_office, admin, show, "A2") == "sold"

    shown = cli("bookings", "show", booking["reference"], "--json").json()
    assert shown["channel"] == "counter"
    assert shown["contact"]["email"] == "ann@example.org"  # stored lower-cased
    listed = cli("bookings", "list", "--show", show, "--state", "confirmed", "--json").json()
    assert [b["reference"] for b in listed] == [booking["reference"]]
    found = cli("bookings", "list", "--contact", "ANN@example.org", "--json").json()
    assert [b["reference"] for b in found] == [booking["reference"]]
    assert cli("bookings", "list", "--state", "refunded", "--json").json() == []

    text = cli("book", show, "--seats", "A3", "--pay", "cash", "--tendered", "20")
    assert text.exit_code == 0, text.stderr
    assert "Adult ticket, seat A3" in text.stdout
    assert "total $12.50" in text.stdout and "change due $7.50" in text.stdout
    summary = box_office.cash.summary(admin)
    assert (summary.sales, summary.sales_count) == (3450 + 1250, 2)
    assert summary.expected == 10000 + 3450 + 1250


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pay", "cash", "--tendered", "10.00"], "less than the total"),
        (["--pay", "simulated", "--card", "4000000000000002"], "declined"),
        (["--pay", "simulated", "--tickets", "senior=2"], "no ticket type 'senior'"),
        (["--pay", "simulated", "--extras", "nachos=1"], "no extra 'nachos'"),
        (["--pay", "simulated", "--promo", "NOPE"], "NOPE is not valid"),
    ],
)
def test_failed_booking_releases_its_seats(cli, box_office, admin, show, drawer, args, message):
    result = cli("book", show, "--seats", "A4,A5", *args)
    assert message in result.error_line()
    assert state(box_office, admin, show, "A4") == "free"
    assert state(box_office, admin, show, "A5") == "free"
    assert cli("book", show, "--seats", "A4,A5", "--pay", "simulated").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seats", "Z9"], "there is no seat Z9"),
        (["--seats", "A1,a1"], "A1 is given twice"),
        (["--seats", "A1,A2", "--tickets", "adult=1"], "1 ticket(s) for 2 seat(s)"),
        (["--seats", "A1", "--tickets", "adult"], "is not NAME=COUNT"),
        (["--seats", "A1", "--email", "not-an-email"], "email"),
        (["--seats", "A1", "--tendered", "5"], "only for --pay cash"),
        (["--seats", "A1", "--pay", "bitcoin"], "'bitcoin' is not one of 'cash', 'simulated'"),
    ],
)
def test_bad_booking_input_is_one_line(cli, box_office, admin, show, args, message):
    pay = [] if "--pay" in args else ["--pay", "simulated"]
    assert message in cli("book", show, *args, *pay).error_line()
    assert state(box_office, admin, show, "A1") == "free"
    assert box_office.aftersales.bookings(admin) == []


def test_companion_seat_alone_needs_an_override(cli, box_office, admin, show):
    refused = cli("book", show, "--seats", "B2", "--pay", "simulated")
    assert "companion seat B2" in refused.error_line()
    assert state(box_office, admin, show, "B2") == "free"
    allowed = cli("book", show, "--seats", "B2", "--pay", "simulated", "--override-rules")
    assert allowed.exit_code == 0, allowed.stderr
    assert state(box_office, admin, show, "B2") == "sold"


def test_cancel_some_seats_refunds_their_price(cli, box_office, admin, show):
    booked = cli("book", show, "--seats", "A6,A7", "--pay", "simulated", "--json").json()
    assert booked["total"] == 2500
    cancelled = cli("bookings", "cancel", booked["reference"], "--seats", "a7", "--json")
    assert cancelled.exit_code == 0, cancelled.stderr
    data = cancelled.json()
    assert data["refunded"] == 1250
    assert data["state"] == "confirmed"
    assert data["total"] == 1250
    assert state(box_office, admin, show, "A7") == "free"
    assert state(box_office, admin, show, "A6") == "sold"

    rest = cli("bookings", "cancel", booked["reference"])
    assert rest.exit_code == 0, rest.stderr
    assert "refunded $12.50" in rest.stdout
    assert box_office.aftersales.booking(admin, booked["reference"]).state == "refunded"
    assert state(box_office, admin, show, "A6") == "free"


def test_cancel_without_refund_keeps_the_money(cli, box_office, admin, show):
    booked = cli("book", show, "--seats", "A8", "--pay", "simulated", "--json").json()
    data = cli("bookings", "cancel", booked["reference"], "--no-refund", "--json").json()
    assert data["refunded"] == 0
    assert data["state"] == "cancelled"


def test_exchange_to_a_dearer_seat_charges_the_difference(cli, box_office, admin, show):
    booked = cli("book", show, "--seats", "A3", "--pay", "simulated", "--json").json()
    unpaid = cli("bookings", "exchange", booked["reference"], "--seats", "B7")
    assert "say how the difference is paid" in unpaid.error_line()
    assert state(box_office, admin, show, "B7") == "free"

    moved = cli("bookings", "exchange", booked["reference"], "--seats", "B7", "--pay", "simulated")
    assert moved.exit_code == 0, moved.stderr
    assert "charged $3.00" in moved.stdout
    shown = cli("bookings", "show", booked["reference"], "--json").json()
    assert shown["total"] == 1550
    payments = [(m["kind"], m["amount"], m["state"]) for m in shown["payments"]]
    assert payments == [("payment", 1250, "succeeded"), ("payment", 300, "succeeded")]
    assert [(s["seat_id"], s["status"]) for s in shown["seats"]] == [
        ("A3", "exchanged"),
        ("B7", "active"),
    ]
    assert state(box_office, admin, show, "A3") == "free"
    assert state(box_office, admin, show, "B7") == "sold"

    text = cli("bookings", "show", booked["reference"])
    assert text.exit_code == 0, text.stderr
    assert "B7 adult $15.50" in text.stdout


def test_unknown_booking_and_empty_reconcile(cli, show):
    assert "no booking 'NOSUCH'" in cli("bookings", "show", "NOSUCH").error_line()
    assert cli("payments", "reconcile", "--json").json() == []
    assert cli("bookings", "list", "--json").json() == []
    assert "no bookings" in cli("bookings", "list").stdout


def test_book_again_with_the_same_key_prints_the_sale_without_selling_twice(
    cli, box_office, admin, show
):
    args = ["--tickets", "adult=1,child=1", "--pay", "simulated", "--key", "counter-7-0042"]
    first = cli("book", show, "--seats", "A3,A4", *args)
    again = cli("book", show, "--seats", "A3,A4", *args)

    assert (first.exit_code, again.exit_code) == (0, 0), first.stderr + again.stderr
    assert again.stdout == first.stdout
    assert "Child ticket, seat A4" in again.stdout
    assert len(box_office.aftersales.bookings(admin)) == 1

    bad = cli("book", show, "--seats", "A5", "--pay", "simulated", "--key", "no spaces")
    assert "key: must be 8 to 64 letters" in bad.error_line()
    assert state(box_office, admin, show, "A5") == "free"
