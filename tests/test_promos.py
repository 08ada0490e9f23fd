"""Promo codes: `marquee promos` and their effect on `marquee book`, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from cli_support import seed_cinema, state

from core.errors import InUse, InvalidInput, NotFound, PermissionDenied
from core.services.access import Actor


@pytest.fixture
def show(box_office, admin) -> str:
    return seed_cinema(box_office, admin)


def book(cli, show: str, *args: str):
    return cli("book", show, "--pay", "simulated", "--json", *args)


def test_add_list_show_edit_disable_remove(cli, box_office, admin, show):
    added = cli("promos", "add", "summer-25", "--percent", "12.5", "--max-uses", "3", "--json")
    assert added.exit_code == 0, added.stderr
    promo = added.json()
    assert (promo["id"], promo["code"]) == ("summer-25", "SUMMER-25")
    assert (promo["kind"], promo["value"], promo["applies_to"]) == ("percent", 1250, "tickets")
    assert promo["max_uses"] == 3 and promo["uses"] == 0

    fixed = cli(
        "promos", "add", "FIVE", "--amount", "2.50", "--order", "--movie", "dune", "--show", show
    )
    assert fixed.exit_code == 0, fixed.stderr
    assert "added promo code FIVE ($2.50 off)" in fixed.stdout
    stored = box_office.promos.promo(admin, "five")
    assert (stored.kind, stored.value, stored.applies_to) == ("fixed", 250, "order")
    assert (stored.movie_ids, stored.showtime_ids) == (["dune"], [show])

    listed = cli("promos", "list")
    assert listed.exit_code == 0, listed.stderr
    assert "12.5%" in listed.stdout and "$2.50" in listed.stdout and "0/3" in listed.stdout
    assert [p["code"] for p in cli("promos", "list", "--json").json()] == ["FIVE", "SUMMER-25"]
    assert "movies dune" in cli("promos", "show", "five").stdout

    edited = cli(
        "promos",
        "edit",
        "SUMMER-25",
        "--percent",
        "20",
        "--until",
        "2099-12-31",
        "--clear",
        "max-uses",
        "--json",
    )
    assert edited.exit_code == 0, edited.stderr
    data = edited.json()
    assert (data["value"], data["max_uses"]) == (2000, None)
    until = dt.datetime.fromisoformat(data["valid_until"])
    assert until.astimezone().replace(tzinfo=None) == dt.datetime(2100, 1, 1)  # end of day

    cleared = cli("promos", "edit", "five", "--clear", "movies", "--tickets-only", "--json")
    assert (cleared.json()["movie_ids"], cleared.json()["applies_to"]) == ([], "tickets")

    assert "disabled promo code FIVE" in cli("promos", "disable", "five").stdout
    assert [p["code"] for p in cli("promos", "list", "--json").json()] == ["SUMMER-25"]
    everything = cli("promos", "list", "--all", "--json").json()
    assert [(p["code"], p["active"]) for p in everything] == [
        ("FIVE", False),
        ("SUMMER-25", True),
    ]
    assert cli("promos", "remove", "five").exit_code == 0
    assert "no promo code 'five'" in cli("promos", "show", "five").error_line()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["OK10", "--percent", "12.345"], "is not a percentage"),
        (["OK10", "--percent", "150"], "is not a percentage"),
        (["OK10", "--percent", "-5"], "is not a percentage"),
        (["OK10", "--percent", "abc"], "is not a percentage"),
        (["OK10", "--amount", "2.505"], "is not an amount of USD"),
        (["OK10", "--percent", "10", "--amount", "1"], "not both"),
        (["OK10"], "give --percent or --amount"),
        (["X", "--percent", "10"], "code"),
        (["NO_UNDERSCORE", "--percent", "10"], "code"),
        (["OK10", "--percent", "10", "--movie", "nope"], "no movie 'nope'"),
        (["OK10", "--percent", "10", "--show", "nope"], "no showtime 'nope'"),
        (["OK10", "--percent", "10", "--from", "tomorrow"], "is not a date"),
        (["OK10", "--percent", "10", "--max-uses", "0"], "max_uses"),
        (
            ["OK10", "--percent", "10", "--from", "2030-01-02", "--until", "2030-01-01"],
            "must be after",
        ),
    ],
)
def test_bad_promo_input_is_one_line_and_writes_nothing(
    cli, box_office, admin, show, args, message
):
    assert message in cli("promos", "add", *args).error_line()
    assert box_office.promos.promos(admin, include_inactive=True) == []


def test_bad_edits_change_nothing(cli, box_office, admin, show):
    assert cli("promos", "add", "TEN", "--percent", "10").exit_code == 0
    assert "not one of" in cli("promos", "edit", "TEN", "--clear", "colour").error_line()
    assert "is not a percentage" in cli("promos", "edit", "TEN", "--percent", "0").error_line()
    assert "no movie 'nope'" in cli("promos", "edit", "TEN", "--movie", "nope").error_line()
    assert "no promo code 'nine'" in cli("promos", "edit", "NINE", "--max-uses", "2").error_line()
    promo = box_office.promos.promo(admin, "ten")
    assert (promo.value, promo.movie_ids) == (1000, [])
    with pytest.raises(InvalidInput):
        box_office.promos.edit_promo(admin, "ten", uses=0)
    with pytest.raises(PermissionDenied):
        box_office.promos.add_promo(Actor("k1", "kiosk"), code="KIOSK", kind="percent", value=100)


def test_promo_discounts_the_tickets_of_a_booking(cli, box_office, admin, show):
    cli("promos", "add", "SAVE15", "--percent", "15")
    booked = book(
        cli,
        show,
        "--seats",
        "A1,B7",
        "--tickets",
        "adult=1,child=1",
        "--extras",
        "popcorn-large=1",
        "--promo",
        "save15",
    )
    assert booked.exit_code == 0, booked.stderr
    data = booked.json()
    tickets = 1250 + (900 + 300)  # adult standard; child on a VIP seat
    discount = 368  # 15% of 24.50 = 3.675, rounded half up
    assert data["discount"] == discount
    assert data["total"] == tickets - discount + 650  # the extra is not discounted
    shown = cli("bookings", "show", data["reference"], "--json").json()
    assert shown["promo_code"] == "SAVE15"
    assert box_office.promos.promo(admin, "save15").uses == 1


def test_order_wide_fixed_promo_and_removal_of_a_used_code(cli, box_office, admin, show):
    cli("promos", "add", "FIVER", "--amount", "5", "--order")
    data = book(cli, show, "--seats", "A2", "--extras", "popcorn-large=1", "--promo", "FIVER")
    assert data.json()["total"] == 1250 + 650 - 500
    refused = cli("promos", "remove", "FIVER")
    assert "disable it instead" in refused.error_line()
    with pytest.raises(InUse):
        box_office.promos.remove_promo(admin, "fiver")
    cli("promos", "disable", "FIVER")
    again = book(cli, show, "--seats", "A3", "--promo", "FIVER")
    assert "no longer active" in again.error_line()
    assert state(box_office, admin, show, "A3") == "free"


def test_a_used_up_promo_is_refused_and_releases_the_seats(cli, box_office, admin, show):
    cli("promos", "add", "ONCE", "--percent", "50", "--max-uses", "1")
    first = book(cli, show, "--seats", "A1", "--promo", "ONCE")
    assert first.json()["total"] == 625
    second = book(cli, show, "--seats", "A2,A3", "--promo", "ONCE")
    assert "used up" in second.error_line()
    assert state(box_office, admin, show, "A2") == "free"
    assert state(box_office, admin, show, "A3") == "free"
    assert box_office.promos.promo(admin, "once").uses == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2020-01-01"], "has expired"),
        (["--from", f"{dt.date.today() + dt.timedelta(days=3)} 09:00"], "is not valid yet"),
        (["--movie", "heat"], "does not apply to this movie"),
    ],
)
def test_promo_out_of_its_limits_is_refused(cli, box_office, admin, show, args, message):
    assert cli("promos", "add", "LIMITED", "--percent", "10", *args).exit_code == 0
    refused = book(cli, show, "--seats", "A5", "--promo", "LIMITED")
    assert message in refused.error_line()
    assert state(box_office, admin, show, "A5") == "free"


def test_promo_service_checks_targets(box_office, admin, show):
    with pytest.raises(NotFound):
        box_office.promos.add_promo(
            admin, code="SHOWS", kind="fixed", value=100, showtime_ids=["nope"]
        )
    promo = box_office.promos.add_promo(
        admin, code=" shows ", kind="fixed", value=100, showtime_ids=[show]
    )
    assert (promo.id, promo.code, promo.currency) == ("shows", "SHOWS", "USD")
