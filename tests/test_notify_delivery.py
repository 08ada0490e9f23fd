"""Confirmations through the outbox: SendGrid e-mail with the QR tickets inline, Twilio SMS,
SMTP as the alternative, retries with backoff, failing for good, and a failing provider
that never fails a booking."""

from __future__ import annotations

import base64
import io

from notify_support import SMTP_PASSWORD, SMTP_USER, TWILIO_FROM, book, provider_settings
from PIL import Image

from core.qrcodes import qr_matrix, qr_png

pytest_plugins = ["notify_fixtures"]


def tokens_of(box_office, admin, reference: str) -> dict[str, str]:
    return dict(box_office.tickets.tickets(admin, reference))


def png_matrix(png: bytes, box: int = 6) -> list[list[bool]]:
    """The modules of a QR PNG drawn ``box`` pixels per module (dark = True)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // box
    return [
        [image.getpixel((x * box + box // 2, y * box + box // 2)) < 128 for x in range(size)]
        for y in range(size)
    ]


def test_a_confirmed_booking_queues_an_email_and_an_sms(box_office, admin, show):
    booking = book(
        box_office, admin, show, ["A3", "A4"], email="Ann@Example.org", phone="+1 555 0100"
    )
    messages = {m.channel: m for m in box_office.notify.outbox(admin)}
    assert sorted(messages) == ["email", "sms"]
    email, sms = messages["email"], messages["sms"]
    assert (email.to, sms.to) == ("ann@example.org", "+15550100")  # stored in E.164
    assert {email.state, sms.state} == {"queued"}
    assert email.kind == sms.kind == "confirmed"
    assert booking.reference in email.subject + email.text and "Dune" in email.subject
    assert [t.seat_id for t in email.tickets] == ["A3", "A4"]
    assert sms.tickets == [] and sms.html == ""
    # Without providers they stay queued: nothing is lost, nothing fails.
    report = box_office.notify.send_due(admin)
    assert (report.sent, report.failed, report.waiting) == (0, 0, {"email": 1, "sms": 1})
    assert {m.state for m in box_office.notify.outbox(admin)} == {"queued"}


def test_sendgrid_gets_one_inline_qr_per_seat_and_twilio_the_text(
    open_office, admin, show, sendgrid, twilio
):
    box_office = open_office(**provider_settings(sendgrid, twilio))
    booking = book(
        box_office, admin, show, ["A1", "A2"], email="ann@example.org", phone="+1 (555) 010-0100"
    )
    report = box_office.notify.send_due(admin)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)

    [mail] = sendgrid.mails
    assert mail["personalizations"][0]["to"] == [{"email": "ann@example.org"}]
    assert mail["from"]["email"] == box_office.config.notify.from_email
    html = next(c["value"] for c in mail["content"] if c["type"] == "text/html")
    tokens = tokens_of(box_office, admin, booking.reference)
    attachments = {a["content_id"]: a for a in mail["attachments"]}
    assert len(attachments) == 2
    for seat, token in tokens.items():
        attachment = attachments[f"ticket-{seat}"]
        assert attachment["disposition"] == "inline" and attachment["type"] == "image/png"
        png = base64.b64decode(attachment["content"])
        assert png == qr_png(token)
        assert png_matrix(png) == qr_matrix(token)  # a scanner would read this seat's token
        assert box_office.tickets.verify(token).seat_id == seat
        assert f"cid:ticket-{seat}" in html

    [sms] = twilio.messages
    assert (sms["To"], sms["From"]) == ("+15550100100", TWILIO_FROM)
    start = box_office.store.showtimes.get(show).starts_at  # the Roxy keeps UTC
    assert booking.reference in sms["Body"] and "A1, A2" in sms["Body"]
    assert f"{start:%H:%M}" in sms["Body"] and "Dune" in sms["Body"]

    sent = {m.channel: m for m in box_office.notify.outbox(admin, state="sent")}
    assert sent["email"].provider == "sendgrid" and sent["email"].provider_ref == "sg-1"
    assert sent["sms"].provider == "twilio" and sent["sms"].provider_ref.startswith("SM")
    assert box_office.notify.send_due(admin).sent == 0  # sent once


def test_smtp_delivers_html_with_the_qr_images_related(open_office, admin, show, mail_server):
    inbox, port = mail_server
    box_office = open_office(
        smtp={
            "host": "127.0.0.1",
            "port": port,
            "starttls": False,
            "username": SMTP_USER,
            "password": SMTP_PASSWORD,
        }
    )
    booking = book(box_office, admin, show, ["B3", "B4"], email="bo@example.org")
    assert box_office.notify.send_due(admin).sent == 1
    [mime] = inbox.messages
    assert inbox.logins == [SMTP_USER]
    assert mime["To"] == "bo@example.org" and "Dune" in mime["Subject"]
    assert booking.reference in mime.get_body(("plain",)).get_content()
    html = mime.get_body(("html",))
    assert "cid:ticket-B3" in html.get_content()
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in mime.walk()
        if part.get_content_type() == "image/png"
    }
    tokens = tokens_of(box_office, admin, booking.reference)
    assert images == {f"ticket-{seat}": qr_png(token) for seat, token in tokens.items()}


def test_smtp_upgrades_with_starttls_before_logging_in(open_office, admin, show, tls_mail_server):
    inbox, port = tls_mail_server
    smtp = {"host": "127.0.0.1", "port": port, "starttls": True, "username": SMTP_USER}
    box_office = open_office(smtp=smtp | {"password": SMTP_PASSWORD})
    book(box_office, admin, show, ["B5"], email="tls@example.org")
    assert box_office.notify.send_due(admin).sent == 1
    assert inbox.logins == [SMTP_USER] and len(inbox.messages) == 1

    refused = open_office(smtp=smtp | {"starttls": False, "password": SMTP_PASSWORD})
    book(refused, admin, show, ["B6"], email="plain@example.org")
    assert refused.notify.send_due(admin).retrying == 1  # no login without TLS here
    failed = [m for m in refused.notify.outbox(admin) if m.to == "plain@example.org"]
    assert "AUTH extension not supported" in failed[0].last_error
    assert SMTP_PASSWORD not in failed[0].last_error


def test_a_provider_failing_twice_is_retried_with_backoff_and_sends_once(
    open_office, admin, show, sendgrid, clock
):
    box_office = open_office(**provider_settings(sendgrid, None), notify={"backoff_s": 30.0})
    book(box_office, admin, show, ["A5"], email="cy@example.org")
    sendgrid.fail_next(2, 500)

    first = box_office.notify.send_due(admin)
    assert (first.sent, first.retrying) == (0, 1)
    [message] = box_office.notify.outbox(admin)
    assert message.state == "queued" and message.attempts == 1
    assert message.due_at == clock.now + 30 and "500" in message.last_error

    assert box_office.notify.send_due(admin).retrying == 0  # not due yet: nothing tried
    assert len(sendgrid.requests) == 1
    clock.advance(30)
    assert box_office.notify.send_due(admin).retrying == 1
    [message] = box_office.notify.outbox(admin)
    assert message.attempts == 2 and message.due_at == clock.now + 60  # doubled

    clock.advance(59)
    assert box_office.notify.send_due(admin).sent == 0
    clock.advance(1)
    assert box_office.notify.send_due(admin).sent == 1
    [message] = box_office.notify.outbox(admin)
    assert (message.state, message.attempts) == ("sent", 3)
    assert len(sendgrid.requests) == 3 and len(sendgrid.mails) == 1


def test_after_max_attempts_a_message_fails_and_is_listed(
    open_office, admin, show, twilio, clock, cli
):
    box_office = open_office(**provider_settings(None, twilio), notify={"max_attempts": 2})
    booking = book(box_office, admin, show, ["A6"], phone="+15550100")
    twilio.fail_next(2, 503)
    assert box_office.notify.send_due(admin).retrying == 1
    clock.advance(box_office.config.notify.backoff_s)
    assert box_office.notify.send_due(admin).failed == 1
    clock.advance(10_000)
    assert box_office.notify.send_due(admin).failed == 0  # failed is final
    [message] = box_office.notify.outbox(admin, state="failed")
    assert message.attempts == 2 and "503" in message.last_error

    listed = cli("notify", "outbox", "--state", "failed", "--json")
    assert listed.exit_code == 0, listed.stderr
    [row] = listed.json()
    assert (row["reference"], row["state"], row["attempts"]) == (booking.reference, "failed", 2)
    table = cli("notify", "outbox", "--state", "failed")
    assert booking.reference in table.stdout and "failed" in table.stdout

    # The provider is back: the operator queues it again and it goes out.
    nothing = cli("notify", "requeue", "NOSUCH")
    assert nothing.exit_code != 0 and len(nothing.stderr.strip().splitlines()) == 1
    requeued = cli("notify", "requeue", booking.reference)
    assert requeued.exit_code == 0, requeued.stderr
    assert "1 failed message(s) queued again" in requeued.stdout
    again = cli("notify", "requeue", booking.reference)
    assert again.exit_code != 0 and "has no failed message" in again.stderr
    assert box_office.notify.send_due(admin).sent == 1
    [message] = box_office.notify.outbox(admin)
    assert (message.state, message.attempts) == ("sent", 1)
    assert box_office.notify.requeue(admin) == 0  # nothing failed is left


def test_a_refused_address_fails_at_once(open_office, admin, show, twilio):
    box_office = open_office(**provider_settings(None, twilio))
    book(box_office, admin, show, ["A7"], phone="+15550100")
    twilio.fail_next(1, 400)
    assert box_office.notify.send_due(admin).failed == 1


def test_a_failing_observer_never_fails_the_booking_and_the_catch_up_queues_it(
    box_office, admin, show, monkeypatch
):
    writer = box_office.notify._writer

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(writer, "queue", broken)
    booking = book(box_office, admin, show, ["B5"], email="di@example.org")
    assert booking.state == "confirmed"
    assert box_office.notify.outbox(admin) == []
    monkeypatch.undo()

    report = box_office.notify.send_due(admin)
    assert report.caught_up == 1
    [message] = box_office.notify.outbox(admin)
    assert (message.kind, message.reference) == ("confirmed", booking.reference)
    assert box_office.notify.send_due(admin).caught_up == 0


def test_a_failing_provider_never_fails_a_booking(open_office, admin, show, sendgrid):
    box_office = open_office(**provider_settings(sendgrid, None))
    sendgrid.fail_next(10, 500)
    booking = book(box_office, admin, show, ["B6"], email="ed@example.org")
    assert booking.state == "confirmed"
    assert box_office.notify.send_due(admin).retrying == 1
    assert box_office.store.bookings.get(booking.id).state == "confirmed"


def test_contact_given_after_paying_gets_the_confirmation(box_office, admin, show):
    booking = book(box_office, admin, show, ["B7"])
    assert box_office.notify.outbox(admin) == []
    box_office.booking.set_contact(admin, booking.id, email="fay@example.org")
    box_office.booking.set_contact(admin, booking.id, phone="+15550101")
    kinds = sorted((m.channel, m.to) for m in box_office.notify.outbox(admin))
    assert kinds == [("email", "fay@example.org"), ("sms", "+15550101")]
