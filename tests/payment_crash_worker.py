"""A kiosk process that is killed mid-sale:
``python payment_crash_worker.py SHOW SEATS STEP [URL TOKEN]``.

It sells SEATS of SHOW on the Stripe reader (test mode, configured by the
MARQUEE_* environment), prints STEP when it gets there and then waits to be
killed. On the engine itself (its own box office on the test's database), or with
URL and TOKEN as a paired kiosk of the box-office server at URL, over HTTP.
Steps: ``held`` (seats held, nothing paid), ``charged`` (the card was taken at the
reader, the booking not yet confirmed), ``confirmed``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.models import Booking  # noqa: E402
from core.services.access import Actor  # noqa: E402

APPROVED = "4242424242424242"


def sell_on_the_reader(
    box_office,
    kiosk: Actor,
    showtime_id: str,
    seats: list[str],
    reached: Callable[[str], None] = lambda step: None,
    charged: Callable[[Booking], None] = lambda booking: None,
) -> Booking:
    """The kiosk's card sale, step by step (``reached`` hears each step); ``box_office``
    is the engine or a client of a server. ``charged`` looks at the payment once the
    card is presented."""
    basket = box_office.booking.new_basket(kiosk, showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats)
    reached("held")
    booking = box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    charged(booking)
    reached("charged")
    while (booking := box_office.checkout.follow_payment(kiosk, basket.id)).state != "confirmed":
        time.sleep(0.05)  # the reader's payment is followed by polling, as the kiosk does
    reached("confirmed")
    return booking


def wait_to_be_killed(wanted: str) -> Callable[[str], None]:
    def reached(step: str) -> None:
        if step == wanted:
            print(step, flush=True)
            time.sleep(120)  # the test kills us here
            raise SystemExit("not killed")

    return reached


def main(showtime_id: str, seats: str, step: str, url: str = "", token: str = "") -> None:
    reached = wait_to_be_killed(step)
    if url:
        from client.remote import RemoteBoxOffice

        # A terminal cannot look at the card payment itself: charged is the card taken
        # at the reader; the server captures it when it next looks (follow or reconcile).
        with RemoteBoxOffice(url, token) as remote:
            sell_on_the_reader(remote, Actor.public(), showtime_id, seats.split(","), reached)
        return

    from core.bootstrap import open_box_office
    from core.services.payment_methods import pending_result

    box_office = open_box_office()
    showtime = box_office.store.showtimes.get(showtime_id)
    kiosk = Actor(subject="kiosk:crash", role="kiosk", theaters=(showtime.theater_id,))

    def capture(booking: Booking) -> None:
        """Charged and captured at Stripe (the engine's look captures an authorised card)."""
        payment = booking.outstanding_payment()
        result = box_office.payments.get(None, payment.provider).status(pending_result(payment))
        assert result.state == "succeeded", result

    sell_on_the_reader(box_office, kiosk, showtime_id, seats.split(","), reached, capture)


if __name__ == "__main__":
    main(*sys.argv[1:])
