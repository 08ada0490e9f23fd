"""The words of customer messages: e-mail (plain text and HTML) and SMS.

Pure: no database, no UI library. Times are the theater's local time; money
is formatted from integer minor units. Every value from a record is escaped
in the HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from core.money import format_amount
from core.outbox import InlineTicket


@dataclass(frozen=True)
class Details:
    """What a message says about one booking."""

    reference: str
    title: str
    theater: str
    starts_local: dt.datetime  # in the theater's time zone
    seats: tuple[str, ...]
    total: int
    currency: str

    @property
    def when(self) -> str:
        return f"{self.starts_local:%a %d %b %H:%M}"

    @property
    def when_long(self) -> str:
        return f"{self.starts_local:%A %d %B %Y, %H:%M}"

    @property
    def seat_list(self) -> str:
        return ", ".join(self.seats)


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: str
    sms: str


# kind -> (subject, first paragraph, SMS); formatted with the Details' fields and a note.
WORDING: dict[str, tuple[str, str, str]] = {
    "confirmed": (
        "Your tickets for {title}, {when}",
        "Thank you for your booking. Show each ticket's QR code at the door.",
        "{signature} {reference}: {title}, {when}, {theater}. Seats {seat_list}. "
        "Your tickets are in your e-mail or at the box office.",
    ),
    "reminder": (
        "Reminder: {title} at {when}",
        "See you soon: your showtime starts at {when_long}.",
        "{signature} {reference}: reminder, {title} starts {when} at {theater}. Seats {seat_list}.",
    ),
    "moved": (
        "New time for {title}: {when}",
        "Your showtime has moved. It now starts {when_long}. Your tickets stay valid.",
        "{signature} {reference}: {title} now starts {when} at {theater}. "
        "Seats {seat_list}, tickets stay valid.",
    ),
    "showtime-cancelled": (
        "Cancelled: {title} on {when}",
        "We are sorry: this showtime has been cancelled. "
        "Please contact the box office about your booking {reference}.",
        "{signature} {reference}: sorry, {title} on {when} at {theater} is cancelled. "
        "Please contact the box office.",
    ),
    "cancelled": (
        "Booking {reference}: seats cancelled",
        "{note}",
        "{signature} {reference}: {note}",
    ),
    "exchanged": (
        "Your new tickets for {title}, {when}",
        "{note} Show the new tickets' QR codes at the door: the old ones no longer admit.",
        "{signature} {reference}: {note} {title}, {when}, {theater}. Seats {seat_list}. "
        "New tickets are in your e-mail or at the box office.",
    ),
    "refunded": (
        "Booking {reference}: refund",
        "{note}",
        "{signature} {reference}: {note}",
    ),
}


def render(
    kind: str,
    details: Details,
    *,
    signature: str,
    note: str = "",
    tickets: list[InlineTicket] | None = None,
) -> Content:
    """The message of ``kind`` about a booking; ``signature`` is who sends it."""
    subject, lead, sms = WORDING[kind]
    values = {
        "reference": details.reference,
        "title": details.title,
        "theater": details.theater,
        "when": details.when,
        "when_long": details.when_long,
        "seat_list": details.seat_list,
        "note": note,
        "signature": signature,
    }
    lead = lead.format(**values)
    facts = [
        ("Movie", details.title),
        ("Theater", details.theater),
        ("Time", details.when_long),
        ("Seats", details.seat_list),
        ("Booking", details.reference),
        ("Total", format_amount(details.total, details.currency)),
    ]
    return Content(
        subject=subject.format(**values),
        text=_text(lead, facts, signature),
        html=_html(subject.format(**values), lead, facts, tickets or [], signature),
        sms=sms.format(**values),
    )


def _text(lead: str, facts: list[tuple[str, str]], signature: str) -> str:
    lines = [lead, ""]
    lines += [f"{label + ':':<9} {value}" for label, value in facts]
    lines += ["", signature]
    return "\n".join(lines) + "\n"


def _html(
    title: str,
    lead: str,
    facts: list[tuple[str, str]],
    tickets: list[InlineTicket],
    signature: str,
) -> str:
    rows = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in facts
    )
    images = "".join(
        f"<div style='display:inline-block;margin:8px;text-align:center'>"
        f"<img src='cid:{escape(ticket.content_id)}' alt='Ticket {escape(ticket.seat_id)}' "
        f"><br>Seat {escape(ticket.seat_id)}</div>"
        for ticket in tickets
    )
    return (
        "<!doctype html><html><body style='font-family:sans-serif'>"
        f"<h1>{escape(title)}</h1><p>{escape(lead)}</p>"
        f"<table cellpadding='4'>{rows}</table>"
        f"{images}<p>{escape(signature)}</p></body></html>"
    )
