"""Queueing customer messages: observers of domain events, the catch-up, reminders.

Observers run on the event bus right after the change that caused them was
saved, and write the messages to the outbox in that same step. Every message
id is derived from its cause, so running an observer again, the catch-up
after a crash between a booking's save and its observer, and repeated
reminder runs all queue a message once. An observer that fails is logged and
never fails the booking.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from core.clock import Clock, utc_at, utc_now
from core.config import NotifyConfig
from core.errors import NotFound
from core.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingExchanged,
    BookingRefunded,
    ContactChanged,
    Event,
    EventBus,
    ShowtimeChanged,
)
from core.models import Booking, Showtime
from core.money import format_amount
from core.notify.content import Details, render
from core.outbox import (
    InlineTicket,
    MessageKind,
    OutboxMessage,
    digest,
    message_id,
    recipients,
)
from core.repo.store import Store

log = logging.getLogger(__name__)
# How far back the catch-up looks for confirmed bookings without their confirmation.
CATCH_UP_WINDOW = dt.timedelta(days=1)


class TicketSigner(Protocol):
    """What the writer needs of the ticket service (declared here, so the outbox
    sits below the services that write to it)."""

    def token(self, booking: Booking, seat_id: str) -> str: ...


class OutboxWriter:
    def __init__(
        self, store: Store, tickets: TicketSigner, config: NotifyConfig, clock: Clock
    ) -> None:
        self._store = store
        self._tickets = tickets
        self._config = config
        self._clock = clock

    def subscribe(self, events: EventBus) -> None:
        events.subscribe(BookingConfirmed, self._guarded(self._on_confirmed))
        events.subscribe(ContactChanged, self._guarded(self._on_confirmed))
        events.subscribe(BookingCancelled, self._guarded(self._on_cancelled))
        events.subscribe(BookingRefunded, self._guarded(self._on_refunded))
        events.subscribe(BookingExchanged, self._guarded(self._on_exchanged))
        events.subscribe(ShowtimeChanged, self._guarded(self._on_showtime))

    @staticmethod
    def _guarded(handler: Callable[[Any], int]) -> Callable[[Event], None]:
        @functools.wraps(handler)
        def observer(event: Event) -> None:
            try:
                handler(event)
            except Exception:  # the change stands; the catch-up or an operator follows up
                log.exception("could not queue messages for %s", type(event).__name__)

        return observer

    # -- observers ----------------------------------------------------------------
    def _on_confirmed(self, event: BookingConfirmed | ContactChanged) -> int:
        if not getattr(event, "has_contact", True):
            return 0  # a walk-up sale without e-mail or phone: no need to read it again
        return self.confirmation(self._store.bookings.get(event.booking_id))

    def _on_cancelled(self, event: BookingCancelled) -> int:
        booking = self._store.bookings.get(event.booking_id)
        seats = tuple(event.seat_ids)
        return self.queue(
            "cancelled",
            booking,
            cause=(digest(*sorted(seats)),),
            note=_cancellation_note(booking, seats),
            seats=seats,
        )

    def _on_refunded(self, event: BookingRefunded) -> int:
        booking = self._store.bookings.get(event.booking_id)
        if _part_of_cancellation(booking, event.seat_ids):
            return 0  # the cancellation's message tells of its refund
        refunds = sum(1 for m in booking.payments if m.kind == "refund")
        amount = format_amount(event.amount, booking.currency)
        note = f"{amount} was refunded the way you paid."
        return self.queue("refunded", booking, cause=(str(refunds),), note=note)

    def _on_exchanged(self, event: BookingExchanged) -> int:
        booking = self._store.bookings.get(event.booking_id)
        note = (
            f"Your seats are now {', '.join(event.new_seat_ids)} "
            f"(they were {', '.join(event.old_seat_ids)})."
        )
        if event.difference:
            amount = format_amount(abs(event.difference), booking.currency)
            note += f" {amount} " + (
                "was charged." if event.difference > 0 else "was refunded the way you paid."
            )
        cause = (digest(*event.new_seat_ids), str(len(booking.history)))
        return self.queue("exchanged", booking, cause=cause, note=note, with_tickets=True)

    def _on_showtime(self, event: ShowtimeChanged) -> int:
        if event.change not in {"moved", "cancelled"}:
            return 0
        showtime = self._store.showtimes.get(event.showtime_id)
        kind: MessageKind = "moved" if event.change == "moved" else "showtime-cancelled"
        cause = (str(int(showtime.starts_at.timestamp())),) if kind == "moved" else ()
        bookings = self._store.bookings.find({"showtime_id": showtime.id, "state": "confirmed"})
        return sum(self.queue(kind, booking, cause=cause) for booking in bookings)

    # -- catching up and reminding --------------------------------------------------
    def confirmation(self, booking: Booking) -> int:
        if booking.state != "confirmed" or not booking.active_seats:
            return 0
        return self.queue("confirmed", booking, with_tickets=True)

    def catch_up(self) -> int:
        """Queue the confirmation of recently confirmed bookings that lack it."""
        since = utc_now(self._clock) - CATCH_UP_WINDOW
        bookings = [
            booking
            for booking in self._store.bookings.confirmed_since(since)
            if recipients(booking.contact)
        ]
        wanted = {booking.id: _ids("confirmed", booking) for booking in bookings}
        present = self._store.outbox.existing_ids(i for ids in wanted.values() for i in ids)
        return sum(
            self._safely(self.confirmation, booking)
            for booking in bookings
            if not set(wanted[booking.id]) <= present
        )

    def reminders(self) -> int:
        """Queue a reminder for each confirmed booking that wants one, of each showtime
        starting within ``notify.reminder_minutes_before``; never twice for a booking.
        Bookings made inside that window had their confirmation just now: no reminder."""
        now = utc_now(self._clock)
        before = dt.timedelta(minutes=self._config.reminder_minutes_before)
        showtimes = {
            showtime.id: showtime for showtime in self._store.showtimes.starting_within(now, before)
        }
        if not showtimes:
            return 0
        bookings = self._store.bookings.confirmed_for(showtimes)
        return sum(
            self._safely(functools.partial(self.queue, "reminder"), booking)
            for booking in bookings
            if booking.contact.reminders
            and booking.active_seats
            and _booked_before(booking, showtimes[booking.showtime_id].starts_at - before)
        )

    @staticmethod
    def _safely(queue: Callable[[Booking], int], booking: Booking) -> int:
        """One booking's messages; a booking that cannot be described is logged and skipped."""
        try:
            return queue(booking)
        except Exception:
            log.exception("could not queue messages for booking %s", booking.reference)
            return 0

    # -- writing ----------------------------------------------------------------------
    def queue(
        self,
        kind: MessageKind,
        booking: Booking,
        *,
        cause: tuple[str, ...] = (),
        note: str = "",
        seats: tuple[str, ...] | None = None,
        with_tickets: bool = False,
    ) -> int:
        """Queue the message of ``kind`` for each of the booking's addresses that lacks it;
        how many were queued."""
        addresses = dict(zip(_ids(kind, booking, cause), recipients(booking.contact), strict=True))
        missing = set(addresses) - self._store.outbox.existing_ids(addresses)
        if not missing:
            return 0
        details = self._details(booking, seats)
        tickets = self._inline_tickets(booking) if with_tickets else []
        content = render(
            kind, details, signature=self._config.from_name, note=note, tickets=tickets
        )
        now = self._clock()
        queued = 0
        for ident in sorted(missing):
            channel, address = addresses[ident]
            email = channel == "email"
            message = OutboxMessage(
                id=ident,
                kind=kind,
                channel=channel,
                to=address,
                subject=content.subject if email else "",
                text=content.text if email else content.sms,
                html=content.html if email else "",
                tickets=tickets if email else [],
                booking_id=booking.id,
                reference=booking.reference,
                theater_id=booking.theater_id,
                created_at=utc_at(now),
                due_at=now,
            )
            queued += self._store.outbox.add(message)
        return queued

    def _details(self, booking: Booking, seats: Iterable[str] | None = None) -> Details:
        showtime = self._store.showtimes.get(booking.showtime_id)
        theater = self._store.theaters.get(showtime.theater_id)
        return Details(
            reference=booking.reference,
            title=self._title(showtime),
            theater=theater.name,
            starts_local=showtime.starts_at.astimezone(theater.zone),
            seats=tuple(seats if seats is not None else (s.seat_id for s in booking.active_seats)),
            total=booking.total,
            currency=booking.currency,
        )

    def _title(self, showtime: Showtime) -> str:
        try:
            return self._store.movies.get(showtime.movie_id).title
        except NotFound:
            return "your movie"

    def _inline_tickets(self, booking: Booking) -> list[InlineTicket]:
        return [
            InlineTicket(
                content_id=f"ticket-{seat.seat_id}",
                seat_id=seat.seat_id,
                token=self._tickets.token(booking, seat.seat_id),
            )
            for seat in booking.active_seats
        ]


def _ids(kind: str, booking: Booking, cause: tuple[str, ...] = ()) -> list[str]:
    return [
        message_id(kind, booking.id, channel, address, *cause)
        for channel, address in recipients(booking.contact)
    ]


def _booked_before(booking: Booking, moment: dt.datetime) -> bool:
    confirmed = booking.confirmed_at or booking.created_at
    return confirmed < moment


def _part_of_cancellation(booking: Booking, seat_ids: Iterable[str]) -> bool:
    """Whether a refund's seats were just cancelled (the cancellation's message says it)."""
    status = {seat.seat_id: seat.status for seat in booking.seats if seat.status != "exchanged"}
    chosen = list(seat_ids)
    return bool(chosen) and all(status.get(s) in {"refunded", "cancelled"} for s in chosen)


def _cancellation_note(booking: Booking, seat_ids: tuple[str, ...]) -> str:
    if booking.state == "confirmed":
        note = f"Seats {', '.join(seat_ids)} were cancelled."
    else:
        note = "Your booking was cancelled."
    refund = next(
        (
            m
            for m in reversed(booking.payments)
            if m.kind == "refund" and m.state == "succeeded" and set(m.seats) == set(seat_ids)
        ),
        None,
    )
    if refund is not None:
        note += f" {format_amount(refund.amount, booking.currency)} is refunded the way you paid."
    return note
