"""``marquee book --pay stripe_terminal|stripe_checkout`` waits for the customer and books."""

from __future__ import annotations

import threading
import time

from booking_support import APPROVED, DECLINED, sold_seats

from core.qrcodes import half_block_lines, qr_matrix


def pay_when_shown(fake, timeout: float = 10.0) -> threading.Thread:
    """The customer scans the QR code and pays on their phone once the link exists."""

    def customer() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with fake.lock:
                open_sessions = [s for s in fake.sessions.values() if s["status"] == "open"]
            if open_sessions:
                fake.pay_session(open_sessions[0]["id"])
                return
            time.sleep(0.02)

    thread = threading.Thread(target=customer, daemon=True)
    thread.start()
    return thread


def test_book_on_a_test_reader_presents_the_card_and_confirms(fake_stripe, cli, hall):
    result = cli(
        "book",
        hall.showtime_id,
        "--seats",
        "B1,B2",
        "--pay",
        "stripe_terminal",
        "--card",
        APPROVED,
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    booking = result.json()
    assert booking["state"] == "confirmed"
    assert "reader tmr_lobby1" in result.stderr  # instructions stay off the JSON
    [intent] = fake_stripe.intents.values()
    assert intent["amount"] == booking["total"] and intent["status"] == "succeeded"


def test_a_declined_reader_payment_is_one_line_and_frees_the_seats(
    fake_stripe, cli, hall, box_office
):
    result = cli(
        "book", hall.showtime_id, "--seats", "B3", "--pay", "stripe_terminal", "--card", DECLINED
    )
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "error: payment declined: Your card was declined"
    )
    assert sold_seats(box_office, hall.showtime_id) == {}
    booking = cli("bookings", "list", "--json").json()[0]
    assert booking["state"] == "cancelled"


def qr_text(url: str) -> str:
    """The QR code of ``url`` as the terminal shows it (trailing blanks aside)."""
    return "\n".join(line.rstrip() for line in half_block_lines(qr_matrix(url)))


def test_book_by_phone_shows_the_qr_code_and_waits_for_the_payment(fake_stripe, cli, hall):
    customer = pay_when_shown(fake_stripe)
    result = cli("book", hall.showtime_id, "--seats", "B5", "--pay", "stripe_checkout")
    customer.join()
    assert result.exit_code == 0, result.stderr
    [session] = fake_stripe.sessions.values()
    assert session["url"] in result.stdout
    assert qr_text(session["url"]) in "\n".join(line.rstrip() for line in result.stdout.split("\n"))
    assert "Scan the QR code" in result.stdout
    assert "(confirmed)" in result.stdout
    assert fake_stripe.api_key not in result.stdout + result.stderr


def test_card_numbers_are_refused_for_methods_that_take_none(fake_stripe, cli, hall):
    result = cli(
        "book", hall.showtime_id, "--seats", "B6", "--pay", "stripe_checkout", "--card", APPROVED
    )
    assert "card" in result.error_line()


def test_stripe_out_of_reach_is_one_line_that_blames_no_card(fake_stripe, cli, hall, box_office):
    fake_stripe.stop()
    result = cli("book", hall.showtime_id, "--seats", "B4", "--pay", "stripe_terminal")
    assert result.error_line() == (
        "error: cannot reach Stripe; nothing was charged, try again or pay another way"
    )
    assert sold_seats(box_office, hall.showtime_id) == {}
