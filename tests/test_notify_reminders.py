"""Reminders: queued once per booking that wants one, for showtimes starting within
``notify.reminder_minutes_before``, however often the reminders run."""

from __future__ import annotations

import datetime as dt

from notify_support import book

pytest_plugins = ["notify_fixtures"]


def test_reminders_are_queued_once_for_bookings_that_want_them(open_office, admin, show, clock):
    box_office = open_office(notify={"reminder_minutes_before": 120})
    showtime = box_office.store.showtimes.get(show)
    later = box_office.schedule.add_showtime(
        admin,
        movie_id="heat",
        auditorium_id=showtime.auditorium_id,
        starts_at=showtime.starts_at + dt.timedelta(days=1),
        price_card_id="standard",
    )
    wants = book(box_office, admin, show, ["A1"], email="hal@example.org", phone="+15550102")
    book(box_office, admin, show, ["A2"], email="ida@example.org", reminders=False)
    book(box_office, admin, show, ["A3"])  # no contact details
    cancelled = book(box_office, admin, show, ["A4"], email="jo@example.org")
    box_office.aftersales.cancel(admin, cancelled.reference)
    book(box_office, admin, later.id, ["A1"], email="kim@example.org")  # the day after

    assert box_office.notify.queue_reminders(admin) == 0  # nothing starts within two hours yet
    clock.now = showtime.starts_at.timestamp() - 119 * 60
    assert box_office.notify.queue_reminders(admin) == 2
    assert box_office.notify.queue_reminders(admin) == 0
    reminders = [m for m in box_office.notify.outbox(admin) if m.kind == "reminder"]
    assert sorted((m.channel, m.reference) for m in reminders) == [
        ("email", wants.reference),
        ("sms", wants.reference),
    ]
    sms = next(m for m in reminders if m.channel == "sms")
    assert "Dune" in sms.text and "A1" in sms.text and f"{showtime.starts_at:%H:%M}" in sms.text
    assert all(m.due_at == clock.now for m in reminders)

    # A booking made inside the window had its confirmation just now: no reminder.
    book(box_office, admin, show, ["A5"], email="lea@example.org")
    assert box_office.notify.queue_reminders(admin) == 0
    # Once the showtime started, no more reminders for it.
    box_office.store.outbox.collection.delete_many({"kind": "reminder"})
    clock.now = showtime.starts_at.timestamp() + 60
    assert box_office.notify.queue_reminders(admin) == 0


def test_reminders_from_the_cli_and_the_worker_never_queue_twice(cli, box_office, admin, show):
    reference = book(box_office, admin, show, ["B3"], email="max@example.org").reference
    # Booked yesterday; the showtime now starts in an hour.
    booking = box_office.store.bookings.by_reference(reference)
    box_office.store.bookings.save(
        booking.model_copy(update={"confirmed_at": booking.confirmed_at - dt.timedelta(days=1)})
    )
    box_office.schedule.move_showtime(admin, show, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))

    first = cli("notify", "reminders", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json() == {"queued": 1}
    again = cli("notify", "reminders")
    assert again.exit_code == 0 and "queued 0 reminder(s)" in again.stdout
    worker = cli("notify", "worker", "--once")
    assert worker.exit_code == 0, worker.stderr
    kinds = [m.kind for m in box_office.notify.outbox(admin)]
    assert kinds.count("reminder") == 1
