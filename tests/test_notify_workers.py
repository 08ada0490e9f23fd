"""Several senders at once: each message is claimed by one of them and delivered once;
a sender that dies mid-send leaves a lease that lapses, and the message is tried again."""

from __future__ import annotations

import threading
from collections import Counter

from notify_support import book, provider_settings

pytest_plugins = ["notify_fixtures"]

SEATS = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B3", "B4", "B5", "B6", "B7", "B8"]


def test_two_workers_never_send_a_message_twice(open_office, admin, show, sendgrid, twilio):
    sendgrid.delay_s = twilio.delay_s = 0.01  # a provider that takes a moment widens the race
    settings = provider_settings(sendgrid, twilio)
    workers = [open_office(**settings), open_office(**settings)]
    for number, seat in enumerate(SEATS):
        book(
            workers[0],
            admin,
            show,
            [seat],
            email=f"guest{number}@example.org",
            phone=f"+1555010{number:04d}",
        )
    queued = workers[0].notify.outbox(admin, state="queued")
    assert len(queued) == 2 * len(SEATS)

    start = threading.Barrier(len(workers))
    reports = []

    def run(box_office) -> None:
        start.wait()
        reports.append(box_office.notify.send_due(admin, catch_up=False))

    threads = [threading.Thread(target=run, args=(box_office,)) for box_office in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(report.sent for report in reports) == 2 * len(SEATS)
    mails = Counter(mail["custom_args"]["outbox_id"] for mail in sendgrid.mails)
    assert len(mails) == len(SEATS) and set(mails.values()) == {1}
    texts = Counter((sms["To"], sms["Body"]) for sms in twilio.messages)
    assert len(texts) == len(SEATS) and set(texts.values()) == {1}
    assert len(sendgrid.requests) + len(twilio.requests) == 2 * len(SEATS)
    assert {m.state for m in workers[1].notify.outbox(admin)} == {"sent"}


def test_a_lapsed_lease_is_taken_over_and_the_message_sent_once(
    open_office, admin, show, sendgrid, clock
):
    box_office = open_office(**provider_settings(sendgrid, None), notify={"lease_s": 60.0})
    book(box_office, admin, show, ["A1"], email="gus@example.org")
    # A worker takes the message and dies before sending it.
    taken = box_office.store.outbox.claim(["email"], clock.now, clock.now + 60, "gone:1")
    assert taken is not None and taken.state == "sending"

    assert box_office.notify.send_due(admin).sent == 0  # its lease still holds
    clock.advance(61)
    assert box_office.notify.send_due(admin).sent == 1
    [message] = box_office.notify.outbox(admin)
    assert (message.state, message.attempts) == ("sent", 2)
    assert len(sendgrid.mails) == 1
    # The dead worker's late settlement is refused: it no longer holds the lease.
    assert not box_office.store.outbox.mark_sent(message.id, "gone:1", clock.now, "x", "late")
