"""The cash drawer: a staff member's shift on one till, from float to count.

A shift opens with a float. Cash sales and cash refunds are not written to the
shift: each is the booking's own cash movement, tagged with the shift's id in
the same save that records the sale or refund, so no crash can separate the
two. The shift itself only holds the float, the drops to the safe and, once
closed, the amount counted. Every figure is worked out from those records, the
sums by aggregation pipelines (:class:`~core.repo.cash.ShiftFigures`):

    expected   = float + cash sales - cash refunds - drops
    over/short = counted - expected   (positive: over, negative: short)

Amounts are integer minor units.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping

from core.clock import Clock, utc_now
from core.errors import (
    CashDrawerError,
    InUse,
    InvalidInput,
    NoOpenShift,
    PermissionDenied,
    StaleShift,
)
from core.ids import readable_code
from core.localtime import check_day
from core.models import CashDrop, CashShift, Theater
from core.money import format_amount
from core.payment_providers.provider import PaymentProvider
from core.records import ShiftSummary as ShiftSummary
from core.repo.cash import ShiftFigures, closed_lock, drawer_lock
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.payment_methods import uses_drawer
from core.services.validation import build, revise


def summarise(shift: CashShift, figures: Mapping[str, int], currency: str) -> ShiftSummary:
    """A shift's summary from its record and its figures (see :class:`ShiftFigures`)."""
    net, change, refunded = figures["sales"], figures["change_given"], figures["refunds"]
    expected = shift.opening_float + net - refunded - figures["drops"]
    return ShiftSummary(
        shift_id=shift.id,
        theater_id=shift.theater_id,
        drawer=shift.drawer,
        staff=shift.staff,
        state=shift.state,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        currency=currency,
        opening_float=shift.opening_float,
        sales=net,
        sales_count=figures["sales_count"],
        received=net + change,
        change_given=change,
        refunds=refunded,
        refunds_count=figures["refunds_count"],
        drops=figures["drops"],
        expected=expected,
        counted=shift.counted,
        over_short=None if shift.counted is None else shift.counted - expected,
    )


class CashDrawerService:
    def __init__(
        self, store: Store, access: Access, currency: str, clock: Clock = time.time
    ) -> None:
        self._store = store
        self._access = access
        self._currency = currency
        self._clock = clock
        self._figures = ShiftFigures(store.database)

    # -- a shift -------------------------------------------------------------------
    def open_shift(
        self, actor: Actor, *, drawer: str, opening_float: int, theater_id: str | None = None
    ) -> CashShift:
        """Open a shift on ``drawer``; refused while the drawer or the person has one open."""
        theater = self._theater_for(actor, theater_id)
        self._access.require(actor, "cash.drawer", theater.id)
        name = drawer.strip().upper()
        shift = build(
            CashShift,
            id=readable_code(8),
            theater_id=theater.id,
            drawer=name,
            staff=actor.subject,
            opening_float=opening_float,
            opened_at=utc_now(self._clock),
            drawer_lock=drawer_lock(theater.id, name),
            staff_lock=actor.subject,
        )
        other = self._store.cash_shifts.insert_open(shift)
        if other is None:
            self._access.record(
                actor,
                "shift opened",
                shift.id,
                theater.id,
                {"drawer": name, "float": opening_float},
            )
            return shift
        since = f"since {other.opened_at:%Y-%m-%d %H:%M} UTC"
        if other.staff == actor.subject:
            raise InUse(
                f"you already have shift {other.id} open on drawer {other.drawer} "
                f"at {other.theater_id} ({since}); close it first"
            )
        raise InUse(
            f"drawer {name} at {theater.id} is open by {other.staff} ({since}); "
            "that shift must be closed first"
        )

    def current(self, actor: Actor) -> CashShift:
        """The caller's open shift; NoOpenShift if there is none."""
        self._access.require(actor, "cash.drawer")
        shift = self._store.cash_shifts.open_of(actor.subject)
        if shift is None:
            raise NoOpenShift()
        return shift

    def drop(self, actor: Actor, amount: int, note: str = "") -> CashShift:
        """Record cash taken from the caller's drawer to the safe."""

        def add_drop(shift: CashShift) -> CashShift:
            drop = build(
                CashDrop, amount=amount, note=note, at=utc_now(self._clock), by=actor.subject
            )
            held = self.summary_of(shift).expected
            if amount > held:
                raise CashDrawerError(
                    f"a drop of {self._money(amount)} is more than the "
                    f"{self._money(held)} the drawer should hold"
                )
            return revise(shift, drops=[*shift.drops, drop])

        shift = self._change(lambda: self.current(actor), add_drop)
        self._access.record(
            actor, "cash drop", shift.id, shift.theater_id, {"amount": amount, "note": note}
        )
        return shift

    def close(self, actor: Actor, counted: int, shift_id: str | None = None) -> ShiftSummary:
        """Close a shift with the cash counted in the drawer; the caller's own by default.

        A manager may close another person's shift (one left open, say)."""
        if counted < 0:
            raise InvalidInput("counted", "cannot be negative")

        def read() -> CashShift:
            if shift_id is None:
                return self.current(actor)
            shift = self._readable(actor, shift_id)
            if shift.state != "open":
                raise CashDrawerError(f"shift {shift.id} is already closed")
            return shift

        def close_it(shift: CashShift) -> CashShift:
            lock = closed_lock(shift.id)
            return revise(
                shift,
                state="closed",
                closed_at=utc_now(self._clock),
                closed_by=actor.subject,
                counted=counted,
                drawer_lock=lock,
                staff_lock=lock,
            )

        summary = self.summary_of(self._change(read, close_it))
        self._access.record(
            actor,
            "shift closed",
            summary.shift_id,
            summary.theater_id,
            {"expected": summary.expected, "counted": counted, "over_short": summary.over_short},
        )
        return summary

    # -- reports ---------------------------------------------------------------------
    def summary(self, actor: Actor, shift_id: str | None = None) -> ShiftSummary:
        """One shift's figures: by id, else the caller's open shift, else their latest."""
        if shift_id is not None:
            return self.summary_of(self._readable(actor, shift_id))
        self._access.require(actor, "cash.drawer")
        shift = self._store.cash_shifts.open_of(actor.subject)
        shift = shift or self._store.cash_shifts.latest_of(actor.subject)
        if shift is None:
            raise NoOpenShift()
        return self.summary_of(shift)

    def shifts(
        self, actor: Actor, *, on: dt.date, theater_id: str | None = None
    ) -> list[ShiftSummary]:
        """Shifts opened on ``on`` (each theater's own date), oldest first."""
        return self.shifts_between(actor, on, on, theater_id)

    def shifts_between(
        self, actor: Actor, first: dt.date, last: dt.date, theater_id: str | None = None
    ) -> list[ShiftSummary]:
        """Shifts opened from ``first`` to ``last`` (each theater's own dates), oldest first.

        Staff see their own shifts; managers those of their theaters."""
        self._access.require(actor, "cash.drawer")
        check_day(first, "date")
        check_day(last, "date")
        start = dt.datetime.combine(first, dt.time(), dt.UTC)
        end = dt.datetime.combine(last, dt.time(), dt.UTC)
        found = self._store.cash_shifts.opened_between(
            start - dt.timedelta(days=1), end + dt.timedelta(days=2), theater_id
        )
        zones = {t.id: t.zone for t in self._store.theaters.find()}
        local_day = lambda s: s.opened_at.astimezone(zones.get(s.theater_id, dt.UTC)).date()  # noqa: E731
        rows = [s for s in found if first <= local_day(s) <= last and self._may_read(actor, s)]
        return self._summaries(sorted(rows, key=lambda s: s.opened_at))

    def summary_of(self, shift: CashShift) -> ShiftSummary:
        return self._summaries([shift])[0]

    def _summaries(self, shifts: list[CashShift]) -> list[ShiftSummary]:
        figures = self._figures.of([shift.id for shift in shifts])
        return [summarise(shift, figures[shift.id], self._currency) for shift in shifts]

    # -- for the sellers --------------------------------------------------------------
    def shift_for(self, actor: Actor, theater_id: str, provider: PaymentProvider) -> str:
        """The shift that money through ``provider`` goes into or comes out of: the
        caller's open shift at that theater; "" for providers without a drawer."""
        if not uses_drawer(provider):
            return ""
        shift = self._store.cash_shifts.open_of(actor.subject)
        if shift is None:
            raise NoOpenShift()
        if shift.theater_id != theater_id:
            raise CashDrawerError(
                f"your open drawer shift is at theater {shift.theater_id}, not {theater_id}"
            )
        return shift.id

    # -- helpers ---------------------------------------------------------------------
    def _change(
        self, read: Callable[[], CashShift], change: Callable[[CashShift], CashShift]
    ) -> CashShift:
        """Read, change and save a shift; read again if someone saved it meanwhile."""
        for _ in range(5):
            shift = read()
            try:
                return self._store.cash_shifts.save(change(shift))
            except StaleShift:
                continue
        raise CashDrawerError("the shift keeps changing; try again")

    def _readable(self, actor: Actor, shift_id: str) -> CashShift:
        shift = self._store.cash_shifts.get(shift_id)
        if not self._may_read(actor, shift):
            raise PermissionDenied(f"cash drawer shift {shift.id} of {shift.staff}")
        return shift

    def _may_read(self, actor: Actor, shift: CashShift) -> bool:
        if shift.staff == actor.subject:
            self._access.require(actor, "cash.drawer", shift.theater_id)
            return True
        try:
            self._access.require(actor, "cash.manage", shift.theater_id)
        except PermissionDenied:
            return False
        return True

    def _theater_for(self, actor: Actor, theater_id: str | None) -> Theater:
        if theater_id:
            return self._store.theaters.get(theater_id)
        if len(actor.theaters) == 1:
            return self._store.theaters.get(actor.theaters[0])
        theaters = [t for t in self._store.theaters.find() if actor.works_at(t.id)]
        if len(theaters) != 1:
            raise InvalidInput("theater", "say which theater the drawer is in")
        return theaters[0]

    def _money(self, amount: int) -> str:
        return format_amount(amount, self._currency)
