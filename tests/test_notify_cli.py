"""`marquee notify` with providers configured by environment variables: delivery through
the fakes, readable output, and no key, token or password in any output or log line."""

from __future__ import annotations

import logging

import pytest
from notify_support import (
    SECRETS,
    SENDGRID_KEY,
    SMTP_PASSWORD,
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
)

pytest_plugins = ["notify_fixtures"]


@pytest.fixture
def providers_env(monkeypatch, sendgrid, twilio):
    for name, value in {
        "MARQUEE_SENDGRID_API_KEY": SENDGRID_KEY,
        "MARQUEE_SENDGRID_API_BASE": sendgrid.url,
        "MARQUEE_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "MARQUEE_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "MARQUEE_TWILIO_FROM": TWILIO_FROM,
        "MARQUEE_TWILIO_API_BASE": twilio.url,
        "MARQUEE_SMTP_PASSWORD": SMTP_PASSWORD,
    }.items():
        monkeypatch.setenv(name, value)


def test_without_providers_messages_wait_readable_in_the_outbox(cli, show):
    booked = cli("book", show, "--seats", "A1", "--pay", "simulated", "--email", "ann@example.org")
    assert booked.exit_code == 0, booked.stderr
    sent = cli("notify", "send")
    assert sent.exit_code == 0, sent.stderr
    assert "sent 0" in sent.stdout and "1 e-mail message(s) wait in the outbox" in sent.stdout
    listed = cli("notify", "outbox")
    assert "queued" in listed.stdout and "e-mail: no provider" in listed.stdout
    [row] = cli("notify", "outbox", "--json").json()
    assert row["state"] == "queued" and row["tickets"] == ["A1"]
    assert "token" not in str(row) and "html" not in row
    shown = cli("notify", "show", row["id"])
    assert shown.exit_code == 0, shown.stderr
    assert "Dune" in shown.stdout and "Show each ticket's QR code" in shown.stdout
    by_booking = cli("notify", "show", row["reference"], "--json")
    assert [message["id"] for message in by_booking.json()] == [row["id"]]


def test_send_and_worker_deliver_and_never_print_keys(
    cli, show, providers_env, sendgrid, twilio, caplog
):
    caplog.set_level(logging.DEBUG)
    booked = cli(
        "book",
        show,
        "--seats",
        "A2,A3",
        "--pay",
        "simulated",
        "--email",
        "bo@example.org",
        "--phone",
        "+15550106",
        "--json",
    )
    assert booked.exit_code == 0, booked.stderr
    reference = booked.json()["reference"]
    outputs = [booked]

    sendgrid.fail_next(1, 401)  # a wrong key: retried later, the key never shown
    first = cli("notify", "send", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json() | {"waiting": {}} == {
        "sent": 1,
        "retrying": 1,
        "failed": 0,
        "caught_up": 0,
        "reminders": 0,
        "waiting": {},
    }
    assert [sms["Body"] for sms in twilio.messages][0].count(reference) == 1
    outputs.append(first)
    outputs.append(cli("notify", "outbox"))
    outputs.append(cli("notify", "outbox", "--json"))
    email = next(row for row in outputs[-1].json() if row["channel"] == "email")
    assert "401" in email["last_error"] and email["state"] == "queued"
    outputs.append(cli("notify", "show", email["id"]))
    outputs.append(cli("notify", "worker", "--once"))
    outputs.append(cli("notify", "reminders"))
    outputs.append(cli("notify", "--help"))
    assert all(result.exit_code == 0 for result in outputs), [r.stderr for r in outputs]

    for result in outputs:
        for secret in SECRETS:
            assert secret not in result.stdout + result.stderr
    for secret in SECRETS:
        assert secret not in caplog.text


def test_notify_errors_are_one_line(cli, show):
    bad_state = cli("notify", "outbox", "--state", "lost")
    assert "'lost' is not one of 'queued', 'sending', 'sent', 'failed'" in bad_state.error_line()
    assert bad_state.exit_code == 2
    missing = cli("notify", "show", "confirmed:nope:email:x")
    assert "no message or booking 'confirmed:nope:email:x'" in missing.error_line()


def test_book_can_decline_reminders(cli, box_office, show):
    booked = cli(
        "book",
        show,
        "--seats",
        "A4",
        "--pay",
        "simulated",
        "--email",
        "cy@example.org",
        "--no-reminders",
        "--json",
    )
    assert booked.exit_code == 0, booked.stderr
    booking = box_office.store.bookings.by_reference(booked.json()["reference"])
    assert booking.contact.reminders is False
