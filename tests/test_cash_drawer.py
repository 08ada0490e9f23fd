"""The cash drawer against the real embedded database: float, sales, refunds, drops,
the count at close, and one open shift per drawer however many people race for it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from core.errors import CashDrawerError, InUse, NoOpenShift, PermissionDenied
from core.localtime import wall_time
from core.services.access import Actor


@pytest.fixture
def manager(hall) -> Actor:
    return Actor(subject="m", role="manager", theaters=(hall.theater.id,))


def sell_cash(box_office, actor, hall, seats, tendered):
    basket = box_office.booking.new_basket(actor, hall.showtime_id, "counter")
    basket = box_office.booking.hold(actor, basket.id, seats)
    return box_office.checkout.checkout(actor, basket.id, "cash", tendered=tendered)


def test_a_shift_adds_up_to_over_and_short(box_office, hall, manager):
    shift = box_office.cash.open_shift(manager, drawer="till1", opening_float=10000)
    assert (shift.drawer, shift.theater_id, shift.state) == ("TILL1", hall.theater.id, "open")

    first = sell_cash(box_office, manager, hall, ["A3"], 2000)  # 12.50, change 7.50
    second = sell_cash(box_office, manager, hall, ["A4", "A5"], 5000)  # 25.00, change 25.00
    assert [m.shift_id for m in first.payments + second.payments] == [shift.id, shift.id]
    box_office.cash.drop(manager, 1000, "safe")
    box_office.aftersales.cancel(manager, second.reference, ["A5"])  # 12.50 back in cash

    summary = box_office.cash.summary(manager)
    assert (summary.sales, summary.sales_count) == (1250 + 2500, 2)
    assert (summary.received, summary.change_given) == (2000 + 5000, 750 + 2500)
    assert (summary.refunds, summary.refunds_count) == (1250, 1)
    assert summary.drops == 1000
    assert summary.expected == 10000 + 3750 - 1250 - 1000 == 11500
    assert summary.over_short is None

    closed = box_office.cash.close(manager, 11600)
    assert (closed.state, closed.counted, closed.expected) == ("closed", 11600, 11500)
    assert closed.over_short == 100  # over

    again = box_office.cash.open_shift(manager, drawer="TILL1", opening_float=5000)
    sell_cash(box_office, manager, hall, ["B1"], 1250)
    short = box_office.cash.close(manager, 5000 + 1250 - 30)
    assert (short.shift_id, short.expected, short.over_short) == (again.id, 6250, -30)
    # The first shift's figures did not move.
    assert box_office.cash.summary(manager, shift.id) == closed


def test_one_open_shift_per_drawer_and_per_person(box_office, hall, staff, manager):
    box_office.cash.open_shift(staff, drawer="TILL1", opening_float=0)
    with pytest.raises(InUse, match="drawer TILL1 at .* is open by s"):
        box_office.cash.open_shift(manager, drawer="till1", opening_float=0)
    with pytest.raises(InUse, match="you already have shift .* open on drawer TILL1"):
        box_office.cash.open_shift(staff, drawer="TILL2", opening_float=0)
    assert box_office.cash.open_shift(manager, drawer="TILL2", opening_float=0).drawer == "TILL2"


def race_to_open(box_office, people: list[Actor], drawer: str) -> list[str]:
    """Every person opens ``drawer`` at the same moment, each in a thread."""
    start = threading.Barrier(len(people))
    outcomes: list[str] = []

    def open_(actor: Actor) -> None:
        start.wait()
        try:
            box_office.cash.open_shift(actor, drawer=drawer, opening_float=100)
            outcomes.append("opened")
        except InUse:
            outcomes.append("refused")

    threads = [threading.Thread(target=open_, args=(actor,)) for actor in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_racing_opens_leave_exactly_one_shift(box_office, hall):
    for round_ in range(4):
        people = [
            Actor(subject=f"s{round_}-{n}", role="staff", theaters=(hall.theater.id,))
            for n in range(6)
        ]
        outcomes = race_to_open(box_office, people, f"RACE{round_}")
        assert outcomes == ["opened"] + ["refused"] * (len(people) - 1)
        assert box_office.store.cash_shifts.count({"drawer": f"RACE{round_}"}) == 1


def test_cash_without_a_shift_is_refused_and_writes_nothing(box_office, hall, staff, manager):
    basket = box_office.booking.new_basket(staff, hall.showtime_id, "counter")
    basket = box_office.booking.hold(staff, basket.id, ["A3"])
    with pytest.raises(NoOpenShift, match="open a cash drawer shift first"):
        box_office.checkout.checkout(staff, basket.id, "cash", tendered=2000)
    assert box_office.store.bookings.count({}) == 0
    assert box_office.booking.basket(staff, basket.id).seats == [
        "A3"
    ]  # still held: open a shift and sell
    box_office.cash.open_shift(staff, drawer="TILL1", opening_float=0)
    assert (
        box_office.checkout.checkout(staff, basket.id, "cash", tendered=2000).state == "confirmed"
    )

    # A cash refund comes out of the refunder's own drawer: no shift, no refund.
    booking = box_office.store.bookings.find({})[0]
    with pytest.raises(NoOpenShift):
        box_office.aftersales.cancel(manager, booking.reference)
    assert box_office.store.bookings.get(booking.id).state == "confirmed"
    assert str(box_office.inventory.seat_map(manager, hall.showtime_id).state("A3")) == "sold"
    mine = box_office.cash.open_shift(manager, drawer="TILL2", opening_float=5000)
    box_office.aftersales.cancel(manager, booking.reference)
    assert box_office.cash.summary(manager).refunds == 1250
    assert box_office.cash.summary(manager, mine.id).expected == 5000 - 1250
    assert box_office.cash.summary(staff).expected == 1250  # the sale stays in the seller's drawer


def test_card_sales_are_not_in_the_drawer(box_office, hall, staff):
    box_office.cash.open_shift(staff, drawer="TILL1", opening_float=500)
    basket = box_office.booking.new_basket(staff, hall.showtime_id, "counter")
    basket = box_office.booking.hold(staff, basket.id, ["A3"])
    booking = box_office.checkout.checkout(staff, basket.id, "simulated")
    assert booking.payments[-1].shift_id == ""
    assert box_office.cash.summary(staff).expected == 500


def test_exchange_difference_in_cash_goes_to_the_drawer(box_office, hall, manager):
    shift = box_office.cash.open_shift(manager, drawer="TILL1", opening_float=0)
    booking = sell_cash(box_office, manager, hall, ["A3"], 1250)
    box_office.aftersales.exchange(manager, booking.reference, ["B5"], pay="cash", tendered=500)
    summary = box_office.cash.summary(manager, shift.id)
    assert (summary.sales, summary.received, summary.change_given) == (1550, 1750, 200)


def test_drops_and_closing_follow_the_shift_state(box_office, hall, staff):
    with pytest.raises(NoOpenShift):
        box_office.cash.drop(staff, 100)
    box_office.cash.open_shift(staff, drawer="TILL1", opening_float=2000)
    with pytest.raises(CashDrawerError, match=r"drop of \$25.00 is more than the \$20.00"):
        box_office.cash.drop(staff, 2500, "safe")
    shift = box_office.cash.drop(staff, 1500, "safe")
    assert [(d.amount, d.note, d.by) for d in shift.drops] == [(1500, "safe", "s")]
    assert box_office.cash.close(staff, 500).over_short == 0
    with pytest.raises(NoOpenShift):
        box_office.cash.close(staff, 500)
    assert box_office.cash.summary(staff).state == "closed"  # the latest shift once closed


def test_managers_read_and_close_others_shifts_staff_do_not(
    box_office, hall, staff, manager, clock
):
    shift = box_office.cash.open_shift(staff, drawer="TILL1", opening_float=1000)
    other = Actor(subject="t", role="staff", theaters=(hall.theater.id,))
    with pytest.raises(PermissionDenied):
        box_office.cash.summary(other, shift.id)
    elsewhere = Actor(subject="m2", role="manager", theaters=("elsewhere",))
    with pytest.raises(PermissionDenied):
        box_office.cash.close(elsewhere, 1000, shift.id)
    assert box_office.cash.close(manager, 900, shift.id).over_short == -100
    with pytest.raises(CashDrawerError, match="already closed"):
        box_office.cash.close(manager, 900, shift.id)

    today = dt.datetime.fromtimestamp(clock.now, dt.UTC).date()
    box_office.cash.open_shift(other, drawer="TILL2", opening_float=0)
    assert [row.staff for row in box_office.cash.shifts(manager, on=today)] == ["s", "t"]
    assert [row.staff for row in box_office.cash.shifts(other, on=today)] == ["t"]
    assert box_office.cash.shifts(manager, on=today + dt.timedelta(days=1)) == []


def test_the_shifts_report_sums_every_shift_of_the_range(box_office, hall, staff, manager, clock):
    from core.services.shift_report import shift_report

    first = box_office.cash.open_shift(staff, drawer="TILL1", opening_float=10000)
    sale = sell_cash(box_office, staff, hall, ["A3", "A4"], 3000)  # 25.00, change 5.00
    sell_cash(box_office, staff, hall, ["A5"], 1250)  # 12.50, no change
    box_office.cash.drop(staff, 2000, "safe")
    box_office.cash.drop(staff, 500, "safe")
    second = box_office.cash.open_shift(manager, drawer="TILL2", opening_float=5000)
    sell_cash(box_office, manager, hall, ["B1"], 2000)  # 12.50, change 7.50
    box_office.aftersales.cancel(manager, sale.reference, ["A4"])  # 12.50 back out of TILL2
    box_office.cash.close(staff, 10000 + 3750 - 2500 - 100)  # 1.00 short
    box_office.cash.close(manager, 5000 + 1250 - 1250)  # exact
    third = box_office.cash.open_shift(staff, drawer="TILL1", opening_float=0)  # open, nothing yet
    today = dt.datetime.fromtimestamp(clock.now, dt.UTC).date()

    report = shift_report(box_office.cash, manager, today, today, None, "USD", in_utc)

    lines = [
        (r.shift, r.float, r.sales, r.refunds, r.drops, r.expected, r.counted, r.over_short)
        for r in report.rows
    ]
    assert lines == [
        (first.id, 10000, 3750, 0, 2500, 11250, 11150, -100),
        (second.id, 5000, 1250, 1250, 0, 5000, 5000, 0),
        (third.id, 0, 0, 0, 0, 0, 0, 0),
    ]
    assert report.rows[2].closed == "open"
    totals = report.totals
    assert totals.shift == "3 shifts"
    assert (totals.float, totals.sales, totals.refunds, totals.drops) == (15000, 5000, 1250, 2500)
    assert (totals.expected, totals.counted, totals.over_short) == (16250, 16150, -100)
    # Each row is the shift's own summary; staff see only their own shifts.
    assert box_office.cash.summary(manager, first.id).expected == 11250
    mine = shift_report(box_office.cash, staff, today, today, None, "USD", in_utc)
    assert [r.shift for r in mine.rows] == [first.id, third.id]
    assert (
        shift_report(
            box_office.cash, manager, today + dt.timedelta(days=1), None, None, "USD", in_utc
        ).rows
        == []
    )


def in_utc(moment: dt.datetime | None, theater_id: str) -> str:
    """How the shift report shows a time here: in UTC (the CLI shows the theater's)."""
    return wall_time(moment, dt.UTC)
