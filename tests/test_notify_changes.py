"""Changes after the sale reach the customer: a moved or cancelled showtime, cancelled
seats (with their refund in the same message) and an exchange (with its new tickets)."""

from __future__ import annotations

import datetime as dt

from notify_support import book

from core.events import ShowtimeChanged

pytest_plugins = ["notify_fixtures"]


def kinds(box_office, admin, kind: str) -> list[tuple[str, str]]:
    return sorted(
        (m.reference, m.channel) for m in box_office.notify.outbox(admin) if m.kind == kind
    )


def test_a_moved_showtime_tells_each_confirmed_booking_once_per_move(box_office, admin, show):
    ann = book(box_office, admin, show, ["A1"], email="ann@example.org", phone="+15550103")
    bob = book(box_office, admin, show, ["A2"], email="bob@example.org")
    gone = book(box_office, admin, show, ["A3"], email="cat@example.org")
    box_office.aftersales.cancel(admin, gone.reference)
    book(box_office, admin, show, ["A4"])  # no contact: nothing to send

    new_start = box_office.store.showtimes.get(show).starts_at + dt.timedelta(hours=2)
    box_office.schedule.move_showtime(admin, show, new_start)
    expected = sorted([(ann.reference, "email"), (ann.reference, "sms"), (bob.reference, "email")])
    assert kinds(box_office, admin, "moved") == expected
    box_office.events.publish(ShowtimeChanged(show, "moved"))  # an observer run again
    assert len(kinds(box_office, admin, "moved")) == 3
    message = next(m for m in box_office.notify.outbox(admin) if m.kind == "moved")
    assert f"{new_start:%H:%M}" in message.text  # the Roxy keeps UTC

    box_office.schedule.move_showtime(admin, show, new_start + dt.timedelta(hours=1))
    assert len(kinds(box_office, admin, "moved")) == 6  # a second move is news again

    before = len(box_office.notify.outbox(admin))
    box_office.schedule.edit_showtime(admin, show, subtitles="English")
    assert len(box_office.notify.outbox(admin)) == before  # other edits send nothing


def test_a_cancelled_showtime_tells_its_confirmed_bookings(box_office, admin, show):
    ann = book(box_office, admin, show, ["B3"], email="dan@example.org", phone="+15550104")
    box_office.schedule.cancel_showtime(admin, show)
    assert kinds(box_office, admin, "showtime-cancelled") == [
        (ann.reference, "email"),
        (ann.reference, "sms"),
    ]
    sms = next(
        m
        for m in box_office.notify.outbox(admin)
        if m.kind == "showtime-cancelled" and m.channel == "sms"
    )
    assert "cancelled" in sms.text and ann.reference in sms.text


def test_cancelled_seats_get_one_message_with_their_refund(box_office, admin, show):
    booking = book(box_office, admin, show, ["A5", "A6"], email="eve@example.org")
    box_office.aftersales.cancel(admin, booking.reference, ["A6"])
    [message] = [m for m in box_office.notify.outbox(admin) if m.kind == "cancelled"]
    assert "A6 were cancelled" in message.text and "$12.50 is refunded" in message.text
    assert kinds(box_office, admin, "refunded") == []

    box_office.aftersales.cancel(admin, booking.reference)  # the rest
    cancelled = [m for m in box_office.notify.outbox(admin) if m.kind == "cancelled"]
    assert len(cancelled) == 2
    assert any("Your booking was cancelled" in m.text for m in cancelled)


def test_a_cheaper_exchange_sends_new_tickets_and_tells_of_its_refund(box_office, admin, show):
    booking = book(box_office, admin, show, ["B7"], email="fay@example.org", phone="+15550105")
    box_office.aftersales.exchange(admin, booking.reference, ["A8"])  # VIP $15.50 -> $12.50
    exchanged = [m for m in box_office.notify.outbox(admin) if m.kind == "exchanged"]
    assert sorted(m.channel for m in exchanged) == ["email", "sms"]
    assert kinds(box_office, admin, "refunded") == []  # one message, not two
    sms = next(m for m in exchanged if m.channel == "sms")
    assert "Your seats are now A8 (they were B7)" in sms.text
    assert "$3.00 was refunded" in sms.text
    email = next(m for m in exchanged if m.channel == "email")
    assert [ticket.seat_id for ticket in email.tickets] == ["A8"]  # the new ticket only
    assert (
        email.tickets[0].token == dict(box_office.tickets.tickets(admin, booking.reference))["A8"]
    )

    box_office.aftersales.exchange(admin, booking.reference, ["A7"])  # a second exchange
    assert len([m for m in box_office.notify.outbox(admin) if m.kind == "exchanged"]) == 4
