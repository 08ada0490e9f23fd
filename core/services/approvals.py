"""Refunds a clerk asked for and a manager approves later (or on the spot).

The refund itself runs as the approving manager, so the audit trail names them."""

from __future__ import annotations

import secrets
import time

from core.approvals import ApprovalRequest
from core.clock import Clock, utc_now
from core.errors import DomainError, NotSellable, PermissionDenied
from core.models import Booking
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.aftersales import AfterSalesService


class ApprovalService:
    def __init__(
        self,
        store: Store,
        access: Access,
        aftersales: AfterSalesService,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._access = access
        self._aftersales = aftersales
        self._clock = clock

    def request_refund(self, actor: Actor, reference: str, seats: list[str]) -> ApprovalRequest:
        booking = self._aftersales.booking(actor, reference)
        self._access.require(actor, "bookings.cancel", booking.theater_id)
        if booking.state != "confirmed":
            raise NotSellable(f"booking {booking.reference} is {booking.state.replace('_', ' ')}")
        request = ApprovalRequest(
            id=secrets.token_hex(8),
            reference=booking.reference,
            seats=[s.upper() for s in seats],
            theater_id=booking.theater_id,
            requested_by=actor.subject,
            device_id=actor.device_id,
            requested_at=utc_now(self._clock),
        )
        self._store.approvals.insert(request)
        self._access.record(
            actor,
            "refund requested",
            booking.reference,
            booking.theater_id,
            {"seats": request.seats},
        )
        return request

    def waiting(self, actor: Actor) -> list[ApprovalRequest]:
        """Requests a manager may decide: their theaters' (an admin's: all)."""
        self._access.require(actor, "bookings.refund")
        return [r for r in self._store.approvals.waiting() if actor.works_at(r.theater_id)]

    def approve(self, actor: Actor, request_id: str, *, at_counter: bool = False) -> Booking:
        """Refund as asked, as this manager; the booking afterwards. Cash comes out of
        the manager's drawer, or (``at_counter``: the manager signed in at the asking
        clerk's till to approve it there) out of that clerk's."""
        request = self._store.approvals.get(request_id)
        self._access.require(actor, "bookings.refund", request.theater_id)
        if at_counter and (not actor.device_id or actor.device_id != request.device_id):
            raise PermissionDenied("approve at the counter it was asked at")
        if not self._store.approvals.decide(request.id, "approved", actor.subject):
            raise NotSellable("this request was decided by someone else")
        clerk = Actor(subject=request.requested_by, role="staff", theaters=(request.theater_id,))
        try:
            return self._aftersales.cancel(
                actor, request.reference, request.seats, cash_from=clerk if at_counter else None
            )
        except DomainError as error:
            self._store.approvals.reopen(request.id, f"could not refund: {error}")
            raise

    def decline(self, actor: Actor, request_id: str, note: str = "") -> None:
        request = self._store.approvals.get(request_id)
        self._access.require(actor, "bookings.refund", request.theater_id)
        if not self._store.approvals.decide(request.id, "declined", actor.subject, note):
            raise NotSellable("this request was decided by someone else")
        self._access.record(actor, "refund declined", request.reference, request.theater_id)
