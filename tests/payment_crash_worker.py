"""A kiosk process that is killed mid-sale: ``python payment_crash_worker.py SHOW SEATS STEP``.

It sells SEATS of SHOW on the Stripe reader (test mode, configured by the
MARQUEE_* environment), prints STEP when it gets there and then waits to be
killed. Steps: ``held`` (seats held, nothing paid), ``charged`` (the card was
charged and captured at Stripe, the booking not yet confirmed), ``confirmed``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.bootstrap import open_box_office  # noqa: E402
from core.services.access import Actor  # noqa: E402
from core.services.payment_methods import pending_result  # noqa: E402

APPROVED = "4242424242424242"


def reached(step: str, wanted: str) -> None:
    if step == wanted:
        print(step, flush=True)
        time.sleep(120)  # the test kills us here
        raise SystemExit("not killed")


def main(showtime_id: str, seats: str, step: str) -> None:
    box_office = open_box_office()
    showtime = box_office.store.showtimes.get(showtime_id)
    kiosk = Actor(subject="kiosk:crash", role="kiosk", theaters=(showtime.theater_id,))
    basket = box_office.booking.new_basket(kiosk, showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats.split(","))
    reached("held", step)
    booking = box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    payment = booking.outstanding_payment()
    charged = box_office.payments.get(None, payment.provider).status(pending_result(payment))
    assert charged.state == "succeeded", charged
    reached("charged", step)
    while box_office.checkout.follow_payment(kiosk, basket.id).state != "confirmed":
        time.sleep(0.05)
    reached("confirmed", step)


if __name__ == "__main__":
    main(*sys.argv[1:])
