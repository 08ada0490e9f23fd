"""Replacing an auditorium's layout while its showtimes to come are on sale.

The hall (booking_support.LAYOUT): A1 wheelchair, A2 companion, A3-A6 standard |
A7 standard, A8 blocked; B1-B4 standard | B5-B8 VIP.
"""

from __future__ import annotations

import datetime as dt

import pytest
from booking_support import declined
from cli_support import seed_cinema

from core.errors import InUse, InvalidInput, SeatsInUse, SeatsTaken

WITHOUT_A7 = "==== SCREEN ====\nA  WCSSSS\nB  SSSS.VVVV\n"
B5_STANDARD = "==== SCREEN ====\nA  WCSSSS.SX\nB  SSSS.SVVV\n"


def sell(box_office, actor, showtime_id, seats):
    basket = box_office.booking.new_basket(actor, showtime_id)
    basket = box_office.booking.hold(actor, basket.id, seats)
    return box_office.checkout.checkout(actor, basket.id, "simulated")


def state(box_office, actor, showtime_id, seat):
    return str(box_office.inventory.seat_map(actor, showtime_id).state(seat))


def relayout(box_office, actor, hall, text):
    return box_office.venues.edit_auditorium(actor, hall.auditorium.id, layout_text=text)


def later_showtime(box_office, admin, hall):
    return box_office.schedule.add_showtime(
        admin,
        movie_id=hall.movie.id,
        auditorium_id=hall.auditorium.id,
        starts_at=hall.showtime.starts_at + dt.timedelta(days=1),
        price_card_id=hall.card.id,
    )


def test_removing_a_sold_seat_is_refused_naming_the_booking(box_office, admin, hall):
    booking = sell(box_office, admin, hall.showtime_id, ["A7"])
    with pytest.raises(SeatsInUse) as refused:
        relayout(box_office, admin, hall, WITHOUT_A7)
    assert str(refused.value) == (
        f"seat A7 is sold for 1 future showtime (booking {booking.reference}); "
        "move or refund those bookings first"
    )
    assert refused.value.references == [booking.reference]
    assert box_office.venues.auditorium(admin, hall.auditorium.id).layout == hall.auditorium.layout
    assert state(box_office, admin, hall.showtime_id, "A7") == "sold"


def test_refusal_names_every_showtime_and_leaves_no_seat_fenced(box_office, admin, hall):
    later = later_showtime(box_office, admin, hall)
    first = sell(box_office, admin, later.id, ["B5"])
    second = sell(box_office, admin, later.id, ["A7"])
    third = sell(box_office, admin, hall.showtime_id, ["A7"])
    with pytest.raises(SeatsInUse) as refused:
        relayout(box_office, admin, hall, "==== SCREEN ====\nA  WCSSSS\nB  SSSS.SVVV\n")
    references = sorted([first.reference, second.reference, third.reference])
    assert f"seats A7, B5 are sold for 2 future showtimes (bookings {', '.join(references)})" in (
        str(refused.value)
    )
    # Seats fenced before the refusal was found are on sale again.
    assert state(box_office, admin, hall.showtime_id, "B5") == "free"
    assert sell(box_office, admin, hall.showtime_id, ["B5"]).state == "confirmed"


def test_removing_an_unsold_seat_is_applied_to_showtimes_to_come(
    box_office, admin, hall, kiosk, clock
):
    sell(box_office, admin, hall.showtime_id, ["A3"])
    stale = box_office.booking.new_basket(kiosk, hall.showtime_id)  # opened on the old layout
    room = relayout(box_office, admin, hall, WITHOUT_A7)
    assert room.capacity == hall.layout.capacity - 1
    seat_map = box_office.inventory.seat_map(admin, hall.showtime_id)
    assert not seat_map.layout.has_seat("A7")
    assert seat_map.state("A3") == "sold" and seat_map.state("A6") == "free"
    assert seat_map.count("free") == room.capacity - 1
    # A basket reads the layout of now: the removed seat is no seat of it any more.
    with pytest.raises(InvalidInput, match="there is no seat A7 in this auditorium"):
        box_office.booking.hold(kiosk, stale.id, ["A7"])
    # A seller still working from the old layout (another process's cached copy) is fenced.
    with pytest.raises(SeatsTaken):
        box_office.inventory.claim(hall.showtime, hall.layout, ["A7"], "old-layout", clock() + 60)


def test_recategorising_a_seat(box_office, admin, hall):
    booking = sell(box_office, admin, hall.showtime_id, ["B5"])
    with pytest.raises(SeatsInUse, match=f"seat B5 is sold .*booking {booking.reference}"):
        relayout(box_office, admin, hall, B5_STANDARD)
    box_office.aftersales.cancel(admin, booking.reference)
    relayout(box_office, admin, hall, B5_STANDARD)
    status = box_office.inventory.seat_map(admin, hall.showtime_id)["B5"]
    assert (str(status.state), str(status.seat.category)) == ("free", "standard")
    assert sell(box_office, admin, hall.showtime_id, ["B5"]).total == hall.card.tickets["adult"]


def test_a_seat_being_paid_for_holds_the_change_back(box_office, admin, hall, kiosk, clock):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A7"])
    with pytest.raises(SeatsInUse, match="seat A7 is being bought"):
        relayout(box_office, admin, hall, WITHOUT_A7)
    clock.advance(9 * 60)  # the kiosk hold lapses
    assert relayout(box_office, admin, hall, WITHOUT_A7).capacity == hall.layout.capacity - 1


def test_a_seat_waiting_for_its_payment_names_the_booking(box_office, admin, hall, kiosk):
    basket = declined(box_office, kiosk, hall.showtime_id, ["A7"])
    with pytest.raises(SeatsInUse) as refused:
        relayout(box_office, admin, hall, WITHOUT_A7)
    reference = box_office.checkout.booking_of(kiosk, basket.id).reference
    assert str(refused.value) == (
        f"seat A7 is being bought for a showtime to come right now (booking {reference}); "
        "try again when those sales are done"
    )
    assert refused.value.references == [reference]


def test_blocking_in_the_layout_keeps_a_staff_block(box_office, admin, hall):
    box_office.inventory.block(admin, hall.showtime_id, ["A6"], "broken")
    relayout(box_office, admin, hall, "==== SCREEN ====\nA  WCSSSX.SX\nB  SSSS.VVVV\n")
    rows = {row.row: row for row in box_office.store.seats.rows(hall.showtime_id)}
    assert rows["A"].blocked == {6: "broken"}  # the layout change's own fence is gone


def test_past_showtimes_do_not_hold_a_change_back(box_office, admin, hall, clock):
    sell(box_office, admin, hall.showtime_id, ["A7"])
    clock.advance(3 * 24 * 3600)  # the showtime is over
    assert relayout(box_office, admin, hall, WITHOUT_A7).capacity == hall.layout.capacity - 1


def test_cli_refusal_is_one_line(cli, box_office, admin, tmp_path):
    show = seed_cinema(box_office, admin)
    booked = cli("book", show, "--seats", "A8", "--pay", "simulated", "--json").json()
    smaller = tmp_path / "smaller.txt"
    smaller.write_text("=== SCREEN ===\nA  SSSSSSS\nB  WCSSSSVV\n", encoding="utf-8")
    room = box_office.store.showtimes.get(show).auditorium_id
    result = cli("auditoriums", "edit", room, "--layout", str(smaller))
    assert result.error_line() == (
        f"error: seat A8 is sold for 1 future showtime (booking {booked['reference']}); "
        "move or refund those bookings first"
    )
    assert result.exit_code == 1
    assert box_office.venues.auditorium(admin, room).capacity == 16


# -- a seat is its label and its place: renumbering and re-lettering move a sold seat ---------
def edited(hall, *steps):
    """The hall's layout edited in a draft, as the console's editor does it."""
    from core.layout_draft import LayoutDraft

    draft = LayoutDraft.of(hall.layout)
    for step, *arguments in steps:
        getattr(draft, step)(*arguments)
    return draft


def test_taking_out_a_cell_before_a_sold_seat_is_refused(box_office, admin, hall):
    booking = sell(box_office, admin, hall.showtime_id, ["A4"])
    draft = edited(hall, ("remove_cell", 0, 2))  # A3 goes: A4 would be called A3
    with pytest.raises(SeatsInUse) as refused:
        box_office.venues.edit_auditorium(
            admin, hall.auditorium.id, layout_text=draft.text(), moves=draft.moves()
        )
    assert refused.value.seat_ids == ["A4"] and refused.value.references == [booking.reference]
    assert box_office.venues.auditorium(admin, hall.auditorium.id).layout == hall.auditorium.layout
    assert state(box_office, admin, hall.showtime_id, "A3") == "free"  # no fence left behind


def test_removing_a_row_in_front_of_a_sold_seat_is_refused(box_office, admin, hall):
    booking = sell(box_office, admin, hall.showtime_id, ["B2"])
    draft = edited(hall, ("remove_row", 0))  # row B would be lettered A
    assert draft.labels == ["A"]
    with pytest.raises(SeatsInUse, match=f"seat B2 is sold .*booking {booking.reference}"):
        box_office.venues.edit_auditorium(
            admin, hall.auditorium.id, layout_text=draft.text(), moves=draft.moves()
        )


def test_a_layout_file_that_moves_a_sold_seat_along_its_row_is_refused(box_office, admin, hall):
    booking = sell(box_office, admin, hall.showtime_id, ["A4"])
    moved = "==== SCREEN ====\nA  WCS.SSS.SX\nB  SSSS.VVVV\n"  # A4 one place to the right
    with pytest.raises(SeatsInUse, match=f"seat A4 is sold .*booking {booking.reference}"):
        relayout(box_office, admin, hall, moved)


def test_an_edit_begun_on_an_older_layout_is_refused(box_office, admin, hall):
    draft = edited(hall, ("remove_cell", 1, 0))
    relayout(box_office, admin, hall, WITHOUT_A7)  # someone else changed the hall meanwhile
    with pytest.raises(InUse, match="changed elsewhere since this edit began"):
        box_office.venues.edit_auditorium(
            admin, hall.auditorium.id, layout_text=draft.text(), moves=draft.moves()
        )
    assert box_office.venues.auditorium(admin, hall.auditorium.id).layout.count("S") == (
        WITHOUT_A7.count("S")
    )


# -- seats a change took away are on sale again once the layout brings them back --------------
def test_a_restored_seat_is_on_sale_again_for_every_showtime_to_come(box_office, admin, hall):
    later = later_showtime(box_office, admin, hall)
    sell(box_office, admin, later.id, ["A3"])
    relayout(box_office, admin, hall, WITHOUT_A7)
    relayout(box_office, admin, hall, hall.auditorium.layout)  # the old layout again
    for showtime_id in (hall.showtime_id, later.id):
        seat_map = box_office.inventory.seat_map(admin, showtime_id)
        assert seat_map.state("A7") == "free"
        assert seat_map.count("free") + seat_map.count("sold") == hall.layout.capacity
    assert sell(box_office, admin, later.id, ["A7"]).state == "confirmed"


def test_rows_re_lettered_and_back_leave_no_seat_off_sale(box_office, admin, hall):
    draft = edited(hall, ("remove_row", 0))  # nothing sold: allowed; B's seats are A's now
    box_office.venues.edit_auditorium(
        admin, hall.auditorium.id, layout_text=draft.text(), moves=draft.moves()
    )
    relayout(box_office, admin, hall, hall.auditorium.layout)
    seat_map = box_office.inventory.seat_map(admin, hall.showtime_id)
    assert seat_map.count("free") == hall.layout.capacity
    assert box_office.inventory.withheld(admin, hall.showtime_id) == {"A8": "blocked in the layout"}


def test_cli_refuses_a_layout_file_that_renumbers_a_sold_seat(cli, box_office, admin, tmp_path):
    show = seed_cinema(box_office, admin)  # A: 8 standard seats; B: WCSSSSVV
    booked = cli("book", show, "--seats", "A5", "--pay", "simulated", "--json").json()
    shifted = tmp_path / "shifted.txt"  # A1 becomes a gap: the seats after it renumber
    shifted.write_text("=== SCREEN ===\nA  .SSSSSSS\nB  WCSSSSVV\n", encoding="utf-8")
    room = box_office.store.showtimes.get(show).auditorium_id
    before = box_office.store.auditoriums.get(room).layout
    result = cli("auditoriums", "edit", room, "--layout", str(shifted))
    assert result.error_line() == (
        f"error: seat A5 is sold for 1 future showtime (booking {booked['reference']}); "
        "move or refund those bookings first"
    )
    assert box_office.store.auditoriums.get(room).layout == before
    assert cli("seats", show, "--json").json()["counts"]["free"] == 15  # nothing left fenced
