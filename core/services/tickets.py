"""Tickets at the door: issuing signed tokens for booked seats and admitting each once.

A scan answers with one verdict, checked in this order:

- ``NOT_VALID``: the token is forged, altered, signed with another key or with
  a retired one, its booking is unknown, or the booking was never paid;
- ``REFUNDED`` / ``CANCELLED``: the seat (or the whole booking, or the
  showtime) is no longer active; a seat exchanged for another is ``CANCELLED``;
- ``WRONG_THEATER``: the booking is for another theater than the door's (a
  staff member's or manager's door is at their own theaters);
- ``WRONG_SHOWTIME``: the door expects another showtime;
- ``ALREADY_ADMITTED``: the ticket was let in before (when, at which door);
- ``TOO_EARLY``: before ``starts_at - tickets.doors_open_minutes``;
- ``TOO_LATE``: after ``starts_at + tickets.late_admission_minutes``, or after
  the showtime ended, whichever comes first;
- ``ADMIT``: let in. Admission inserts a document keyed by the ticket id, so of
  many doors scanning one ticket at once exactly one admits it.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TypedDict

from core.clock import Clock, utc_now
from core.config import TicketsConfig
from core.errors import NotFound
from core.models import BookedSeat, Booking, Showtime
from core.records import CheckIns as CheckIns
from core.records import ScanVerdict as ScanVerdict
from core.records import VerdictKind as VerdictKind
from core.repo.store import Store
from core.services.access import SCOPED_ROLES, Access, Actor
from core.services.keys import SigningKeys
from core.tickets import LEGACY, Admission, Ticket, key_id_of, sign, ticket_id, verify


class TicketService:
    def __init__(
        self,
        store: Store,
        access: Access,
        config: TicketsConfig,
        keys: SigningKeys,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._access = access
        self._config = config
        self._keys = keys
        self._clock = clock

    # -- issuing ---------------------------------------------------------------
    def token(self, booking: Booking, seat_id: str) -> str:
        """The token of one seat, signed with the current ticket key."""
        return self._tokens(booking, [seat_id])[0]

    def tickets(self, actor: Actor, reference: str) -> list[tuple[str, str]]:
        """(seat id, token) of each active seat; none unless the booking is confirmed."""
        booking = self._store.bookings.by_reference(reference)
        self._access.require(actor, "tickets.read", booking.theater_id)
        return self.issued(booking)

    def issued(self, booking: Booking) -> list[tuple[str, str]]:
        """(seat id, token) of each active seat of a confirmed booking (callers checked
        who may read it)."""
        if booking.state != "confirmed":
            return []
        seats = [seat.seat_id for seat in booking.active_seats]
        return list(zip(seats, self._tokens(booking, seats), strict=True))

    def _tokens(self, booking: Booking, seat_ids: list[str]) -> list[str]:
        key = self._keys.current("tickets")  # read once: every seat carries the same key id
        return [
            sign(
                Ticket(ticket_id(booking.id, seat), booking.reference, booking.showtime_id, seat),
                key.key,
                key.id,
            )
            for seat in seat_ids
        ]

    def verify(self, token: str) -> Ticket | None:
        """The ticket a token names if a ticket key that still verifies signed it."""
        key_id = key_id_of(token)
        if key_id is None:
            return None
        if key_id == LEGACY:
            keys = self._keys.legacy("tickets")
        else:
            keys = [key for key in [self._keys.verifying("tickets", key_id)] if key is not None]
        return next((ticket for key in keys if (ticket := verify(token, key))), None)

    # -- the door --------------------------------------------------------------
    def scan(
        self,
        actor: Actor,
        token: str,
        door: str = "main",
        theater_id: str | None = None,
        now: dt.datetime | None = None,
        *,
        showtime_id: str | None = None,
    ) -> ScanVerdict:
        """Check a scanned token and admit its ticket once (see the module doc)."""
        self._access.require(actor, "tickets.scan", theater_id)
        now = now or utc_now(self._clock)
        door = door.strip() or "main"
        ticket = self.verify(token.strip())
        if ticket is None:
            return ScanVerdict(VerdictKind.NOT_VALID, "not a Marquee ticket, or altered", door=door)
        try:
            booking = self._store.bookings.by_reference(ticket.reference)
        except NotFound:
            booking = None
        seat = _seat(booking, ticket.seat_id) if booking else None
        if (
            booking is None
            or seat is None
            or ticket_id(booking.id, seat.seat_id) != ticket.ticket_id
        ):
            return ScanVerdict(
                VerdictKind.NOT_VALID,
                f"no booking {ticket.reference} with seat {ticket.seat_id}",
                seat_id=ticket.seat_id,
                reference=ticket.reference,
                door=door,
            )
        showtime = self._showtime(ticket.showtime_id)
        zone = self._zone(booking.theater_id)
        base: _Scanned = {
            "seat_id": seat.seat_id,
            "reference": booking.reference,
            "showtime_id": ticket.showtime_id,
            "door": door,
            "movie_title": self._title(showtime),
            "starts_local": showtime.starts_at.astimezone(zone) if showtime else None,
        }
        refusal = self._refusal(actor, booking, seat, ticket, showtime, theater_id, showtime_id)
        if refusal is not None:
            return ScanVerdict(*refusal, **base)
        earlier = self._store.admissions.find_one(ticket.ticket_id)
        if earlier is not None:
            return _already(earlier, zone, base)
        assert showtime is not None  # _refusal answers when it is gone
        opens = showtime.starts_at - dt.timedelta(minutes=self._config.doors_open_minutes)
        closes = min(
            showtime.starts_at + dt.timedelta(minutes=self._config.late_admission_minutes),
            showtime.ends_at,
        )
        if now < opens:
            reason = f"doors open at {opens.astimezone(zone):%H:%M}"
            return ScanVerdict(VerdictKind.TOO_EARLY, reason, **base)
        if now > closes:
            reason = f"admission closed at {closes.astimezone(zone):%H:%M}"
            return ScanVerdict(VerdictKind.TOO_LATE, reason, **base)
        admission = Admission(
            id=ticket.ticket_id,
            booking_id=booking.id,
            reference=booking.reference,
            showtime_id=ticket.showtime_id,
            theater_id=booking.theater_id,
            seat_id=seat.seat_id,
            door=door,
            by=actor.subject,
            at=now,
        )
        earlier = self._store.admissions.admit(admission)
        if earlier is not None:
            return _already(earlier, zone, base)
        return ScanVerdict(
            VerdictKind.ADMIT, "enjoy the show", admitted_at=now, admitted_door=door, **base
        )

    def checkins(self, actor: Actor, showtime_id: str) -> CheckIns:
        """Tickets admitted so far and seats sold for a showtime."""
        showtime = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "tickets.read", showtime.theater_id)
        bookings = self._store.bookings.find({"showtime_id": showtime.id, "state": "confirmed"})
        sold = sum(len(booking.active_seats) for booking in bookings)
        return CheckIns(self._store.admissions.count_for_showtime(showtime.id), sold)

    # -- helpers ---------------------------------------------------------------
    def _refusal(
        self,
        actor: Actor,
        booking: Booking,
        seat: BookedSeat,
        ticket: Ticket,
        showtime: Showtime | None,
        theater_id: str | None,
        expected_showtime: str | None,
    ) -> tuple[VerdictKind, str] | None:
        if booking.state == "pending_payment":
            return VerdictKind.NOT_VALID, f"booking {booking.reference} is not paid"
        if booking.showtime_id != ticket.showtime_id or seat.status == "exchanged":
            return VerdictKind.CANCELLED, "exchanged: ask for the new ticket"
        if seat.status == "refunded" or booking.state in {"refunded", "refund_due"}:
            return VerdictKind.REFUNDED, f"seat {seat.seat_id} was refunded"
        if seat.status != "active" or booking.state != "confirmed":
            return VerdictKind.CANCELLED, f"seat {seat.seat_id} was cancelled"
        if showtime is None or showtime.status == "cancelled":
            return VerdictKind.CANCELLED, "the showtime was cancelled"
        doors = {theater_id} if theater_id else None
        if doors is None and actor.role in SCOPED_ROLES:  # people and door scanners
            doors = set(actor.theaters)
        if doors is not None and booking.theater_id not in doors:
            return VerdictKind.WRONG_THEATER, f"this ticket is for theater {booking.theater_id}"
        if expected_showtime and expected_showtime != ticket.showtime_id:
            return VerdictKind.WRONG_SHOWTIME, "this ticket is for another showtime"
        return None

    def _showtime(self, showtime_id: str) -> Showtime | None:
        try:
            return self._store.showtimes.get(showtime_id)
        except NotFound:
            return None

    def _title(self, showtime: Showtime | None) -> str | None:
        if showtime is None:
            return None
        try:
            return self._store.movies.get(showtime.movie_id).title
        except NotFound:
            return None

    def _zone(self, theater_id: str) -> dt.tzinfo:
        try:
            return self._store.theaters.get(theater_id).zone
        except NotFound:
            return dt.UTC


def _seat(booking: Booking, seat_id: str) -> BookedSeat | None:
    """The seat's entry in the booking: the active one if any, else the latest."""
    entries = [seat for seat in booking.seats if seat.seat_id == seat_id]
    active = [seat for seat in entries if seat.status == "active"]
    found = active or entries
    return found[-1] if found else None


class _Scanned(TypedDict):
    """What every verdict on a ticket that was found says about it."""

    seat_id: str
    reference: str
    showtime_id: str
    door: str
    movie_title: str | None
    starts_local: dt.datetime | None


def _already(earlier: Admission, zone: dt.tzinfo, base: _Scanned) -> ScanVerdict:
    return ScanVerdict(
        VerdictKind.ALREADY_ADMITTED,
        f"already admitted at {earlier.at.astimezone(zone):%H:%M} at door {earlier.door}",
        admitted_at=earlier.at,
        admitted_door=earlier.door,
        **base,
    )
