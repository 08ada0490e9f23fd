"""Waiting at the counter or in a script while the customer pays on a reader or a phone.

The instructions (the reader to use, or the QR code and its link) go to stdout,
or to stderr under ``--json`` so the JSON stays the only thing on stdout. The
wait ends when the payment settles, is declined, or the hold runs out; Ctrl-C
stops the reader or expires the link before giving up.
"""

from __future__ import annotations

import time
from contextlib import suppress

from rich.console import Console
from rich.style import Style
from rich.text import Text

from client.remote import RemoteBoxOffice as BoxOffice
from console.render import stderr, stdout
from core.errors import DomainError, PaymentFailed
from core.models import Booking, MoneyMovement
from core.money import format_amount
from core.qrcodes import half_block_lines, qr_matrix
from core.services.access import Actor

QR_STYLE = Style(color="#000000", bgcolor="#FFFFFF")  # dark on light whatever the terminal


def show_instructions(out: Console, movement: MoneyMovement, currency: str) -> None:
    action, amount = movement.action, format_amount(movement.amount, currency)
    if action.get("kind") == "qr":
        for line in half_block_lines(qr_matrix(action["url"])):
            out.print(Text(line, style=QR_STYLE), no_wrap=True, crop=False)
        out.print(Text(f"{action.get('text', 'Scan the QR code to pay')} ({amount})", "bold"))
        out.print(Text(action["url"]))
    elif action.get("kind") == "reader":
        out.print(
            Text(
                f"{action.get('text', 'Present the card')}: reader {action['reader']}, {amount}",
                "bold",
            )
        )
    out.print(Text("Waiting for the payment… (Ctrl-C cancels)", "dim"))


def wait_for_payment(
    box_office: BoxOffice, actor: Actor, basket_id: str, *, as_json: bool
) -> Booking:
    service = box_office.checkout
    booking = service.booking_of(actor, basket_id)
    pending = booking.outstanding_payment()
    show_instructions(stderr if as_json else stdout, pending, booking.currency)
    interval = box_office.settings.payment_poll_s
    try:
        while booking.state == "pending_payment":
            time.sleep(interval)
            booking = service.follow_payment(actor, basket_id)
    except KeyboardInterrupt:
        stopped = service.cancel_payment(actor, basket_id)
        if stopped.state == "confirmed":
            return stopped  # it got through just before the cancel
        raise PaymentFailed("payment cancelled at the counter") from None
    return booking


def follow_sale(box_office: BoxOffice, actor: Actor, basket_id: str, *, as_json: bool) -> Booking:
    """Wait for the payment of a sale; whatever stops the wait gives its seats back."""
    try:
        booking = wait_for_payment(box_office, actor, basket_id, as_json=as_json)
    except BaseException:
        with suppress(DomainError):  # the first error is the one to show
            box_office.checkout.abandon(actor, basket_id)
        raise
    with suppress(DomainError):  # settled: nobody continues the basket
        box_office.booking.discard(actor, basket_id)
    return booking
