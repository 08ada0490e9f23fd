"""A hypothesis state machine selling one showtime against the real database.

Baskets hold and release random seats, the clock moves on (holds lapse), baskets check
out (some cards are declined, some customers change their seats after a decline),
confirmed bookings are partly cancelled, kiosks are abandoned and reconcile runs. A model
of the row documents predicts every outcome; after every step the row documents, the
bookings and the simulated acquirer's money must agree with each other and the model.
"""

from __future__ import annotations

import uuid

import pytest
from booking_support import (
    DECLINED,
    Clock,
    consistency_problems,
    live_holds,
    make_hall,
    net_charged,
    showtime_bookings,
    sold_seats,
    tomorrow,
)
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.bootstrap import open_box_office
from core.config import Config
from core.errors import HoldExpired, PaymentFailed, RuleViolation, SeatsLost, SeatsTaken
from core.services.access import Actor

# A1 wheelchair, A2 companion, A3-A6 standard; B1-B3 standard | aisle | B4-B5 VIP, B6 blocked.
LAYOUT = "==== SCREEN ====\nA  WCSSSS\nB  SSS.VVX\n"
SEATS = ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "B5", "B6"]
PRICE = {seat: 1000 for seat in SEATS} | {"B4": 1250, "B5": 1250}
BLOCKED = {"B6"}
MAX_SEATS = 4
HOLD_S = {"kiosk": 8 * 60, "counter": 15 * 60}
GRACE_S = 5 * 60
POPCORN = 500
seat_groups = st.lists(st.sampled_from(SEATS), min_size=1, max_size=3, unique=True)


def by_row(seats) -> list[list[str]]:
    """Seats grouped by row, rows in layout order (how the service writes them)."""
    grouped: dict[str, list[str]] = {}
    for seat in sorted(seats, key=SEATS.index):
        grouped.setdefault(seat[0], []).append(seat)
    return list(grouped.values())


class BookingMachine(RuleBasedStateMachine):
    config: Config  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.db_name = "t_" + uuid.uuid4().hex[:12]
        config = self.config.with_overrides(
            mongo={"db_name": self.db_name}, booking={"max_seats_per_booking": MAX_SEATS}
        )
        self.box_office = open_box_office(config, clock=self.clock)
        self.admin = Actor.local_admin()
        self.hall = make_hall(
            self.box_office,
            self.admin,
            LAYOUT,
            starts_at=tomorrow(self.clock),
            tickets={"adult": 1000},
            surcharges={"vip": 250},
        )
        self.popcorn = self.box_office.pricing.add_extra(self.admin, name="Popcorn", price=POPCORN)
        self.kiosk = Actor("kiosk-1", "kiosk", (self.hall.theater.id,))
        self.staff = Actor("clerk", "staff", (self.hall.theater.id,))
        # The model.
        self.baskets: list[str] = []  # ids of the open baskets
        self.holds: dict[str, tuple[str, float]] = {}  # seat -> (hold id, until), as stored
        self.sold: dict[str, str] = {}  # seat -> booking id
        self.confirmed: dict[str, dict] = {}  # booking id -> {"seats": set, "extras": int}
        # booking id -> {"created", "held_until", "seats", "total", "basket"}
        self.pending: dict[str, dict] = {}
        # booking id -> the state a booking that left pending unpaid must be in
        self.closed: dict[str, str] = {}

    def teardown(self) -> None:
        self.box_office.connection.client.drop_database(self.db_name)
        self.box_office.close()

    # -- the row documents, as the model sees them ----------------------------------------
    @property
    def now(self) -> float:
        return self.clock.now

    def claimable(self, seat: str, hold_id: str, *, again: bool) -> bool:
        """A fresh claim takes a free or lapsed seat; a sale (``again``) also its own hold."""
        if seat in BLOCKED or seat in self.sold:
            return False
        holder = self.holds.get(seat)
        return holder is None or holder[1] < self.now or (again and holder[0] == hold_id)

    def m_claim(self, hold_id: str, seats, until: float) -> bool:
        done = []
        for row in by_row(seats):
            if not all(self.claimable(s, hold_id, again=False) for s in row):
                self.m_release(hold_id, done)
                return False
            self.holds.update(dict.fromkeys(row, (hold_id, until)))
            done += row
        return True

    def m_extend(self, hold_id: str, seats, until: float) -> bool:
        for row in by_row(seats):  # stops at the first row that fails
            if not all(self.holds.get(s, ("", 0))[0] == hold_id for s in row):
                return False
            if not all(self.holds[s][1] >= self.now for s in row):
                return False
            self.holds.update(dict.fromkeys(row, (hold_id, until)))
        return True

    def m_release(self, hold_id: str, seats) -> None:
        for seat in seats:
            if self.holds.get(seat, ("",))[0] == hold_id:
                del self.holds[seat]

    def m_sell(self, hold_id: str, seats, booking_id: str) -> bool:
        done = []
        for row in by_row(seats):
            if not all(
                self.sold.get(s) == booking_id or self.claimable(s, hold_id, again=True)
                for s in row
            ):
                for seat in done:
                    del self.sold[seat]
                return False
            for seat in row:
                self.sold[seat] = booking_id
                self.holds.pop(seat, None)
            done += row
        return True

    # -- helpers --------------------------------------------------------------------------
    def stored(self, basket_id: str):
        """The basket as the database holds it now."""
        return self.box_office.store.baskets.get(basket_id)

    def open_baskets(self) -> list:
        return [self.stored(basket_id) for basket_id in self.baskets]

    def actor(self, basket) -> Actor:
        return self.staff if basket.channel == "counter" else self.kiosk

    def expected_total(self, basket) -> int:
        return sum(PRICE[s] for s in basket.seats) + POPCORN * basket.extras.get(self.popcorn.id, 0)

    def due(self) -> set[str]:
        """Pending bookings reconcile settles now: started and lapsed over the grace ago."""
        return {
            booking_id
            for booking_id, pending in self.pending.items()
            if pending["created"] < self.now - GRACE_S
            and pending["held_until"] + GRACE_S <= self.now
        }

    # -- steps ---------------------------------------------------------------------------------
    def _hold(self, basket_id: str, seats: list[str]) -> None:
        """Hold ``seats`` for the basket, expecting exactly what the model predicts."""
        basket = self.stored(basket_id)
        actor, hold_id = self.actor(basket), basket.hold_id
        before, until_before = list(basket.seats), basket.held_until
        wanted = [s for s in seats if s not in basket.seats]
        if len(basket.seats) + len(wanted) > MAX_SEATS:
            event("hold: too many seats")
            with pytest.raises(RuleViolation):
                self.box_office.booking.hold(actor, basket_id, seats)
            basket = self.stored(basket_id)
            assert (basket.seats, basket.held_until) == (before, until_before)
            return
        if not wanted:
            basket = self.box_office.booking.hold(actor, basket.id, seats)
            assert basket.seats == before
            return
        until = self.now + HOLD_S[basket.channel]
        unavailable = [s for s in wanted if not self.claimable(s, hold_id, again=False)]
        if unavailable:
            event("hold: seats taken")
            with pytest.raises(SeatsTaken) as raised:
                self.box_office.booking.hold(actor, basket_id, seats)
            named = set(raised.value.seat_ids)
            blocked = BLOCKED & set(wanted)
            assert blocked <= named <= set(unavailable) if blocked else named == set(unavailable)
            # All or nothing: the basket is as it was (and the invariants check the rows).
            basket = self.stored(basket_id)
            assert (basket.seats, basket.held_until) == (before, until_before)
            return
        assert self.m_claim(hold_id, wanted, until)
        if before and not self.m_extend(hold_id, before, until):
            # The earlier seats lapsed: take them again, or give everything up.
            if not self.m_claim(hold_id, before, until):
                event("hold: lapsed seats lost")
                self.m_release(hold_id, wanted + before)
                with pytest.raises(HoldExpired):
                    self.box_office.booking.hold(actor, basket_id, seats)
                assert self.stored(basket_id).seats == []
                return
            event("hold: lapsed seats taken again")
        event("hold: held")
        basket = self.box_office.booking.hold(actor, basket_id, seats)
        assert basket.seats == before + wanted
        assert basket.held_until == until
        assert self.stored(basket_id) == basket

    def _checkout(self, basket_id: str, declined: bool) -> None:
        """Pay for the basket, expecting the outcome the model predicts."""
        basket = self.stored(basket_id)
        actor, hold_id = self.actor(basket), basket.hold_id
        seats = list(basket.seats)
        card = DECLINED if declined else None

        def pay():
            return self.box_office.checkout.checkout(actor, basket.id, "simulated", card=card)

        if {"A2"} & set(seats) and "A1" not in seats:
            with pytest.raises(RuleViolation):
                pay()
            return
        old_id = basket.booking_id
        old = self.pending.get(old_id)
        total = self.expected_total(basket)
        reuse = old is not None and old["seats"] == seats and old["total"] == total
        if not reuse:  # a new booking: the old one (if still open) is closed
            if self.pending.pop(old_id, None) is not None:
                self.closed[old_id] = "cancelled"
            if basket.held_until < self.now:
                event("checkout: hold expired")
                with pytest.raises(HoldExpired):
                    pay()
                self.assert_closed(old_id, old)
                return
            # Payment gets time once per booking: a hold about to lapse is extended.
            until = self.now + HOLD_S[basket.channel]
            if basket.held_until - self.now <= 120 and not self.m_extend(hold_id, seats, until):
                event("checkout: hold expired while extending")
                with pytest.raises(HoldExpired):
                    pay()
                self.assert_closed(old_id, old)
                return
        if declined:
            event("checkout: declined" + (" again" if reuse else ""))
            with pytest.raises(PaymentFailed):
                pay()
            basket = self.stored(basket_id)
            booking = self.box_office.store.bookings.get(basket.booking_id)
            assert booking.state == "pending_payment"
            assert basket.seats == seats
            self.assert_closed(old_id, old)
            if not reuse:
                assert booking.id != old_id
                self.pending[booking.id] = {
                    "created": self.now,
                    "held_until": basket.held_until,
                    "seats": seats,
                    "total": total,
                    "basket": basket,
                }
            return
        booking_id = old_id if reuse else None
        # The new booking's id is not known before it is written: predict with a marker.
        marker = booking_id or "<new booking>"
        if self.m_sell(hold_id, seats, marker):
            event("checkout: confirmed" + (" late" if reuse else ""))
            booking = pay()
            assert booking.state == "confirmed"
            assert booking.total == total
            assert [s.seat_id for s in booking.active_seats] == seats
            assert self.stored(basket_id).seats == []
            for seat in seats:
                self.sold[seat] = booking.id
            self.confirmed[booking.id] = {
                "seats": set(seats),
                "extras": sum(e.unit_price * e.quantity for e in booking.extras),
            }
        else:
            event("checkout: seats lost, refunded")
            with pytest.raises(SeatsLost):
                pay()
            booking = self.box_office.store.bookings.get(self.stored(basket_id).booking_id)
            assert booking.state == "refunded"
            assert booking.paid == 0
        self.assert_closed(old_id, old if not reuse else None)
        self.pending.pop(booking.id, None)
        self.baskets.remove(basket_id)

    def assert_closed(self, old_id: str | None, old: dict | None) -> None:
        """A pending booking replaced by a changed basket is cancelled."""
        if old is not None and old_id not in self.pending:
            assert self.box_office.store.bookings.get(old_id).state == "cancelled"

    # -- rules --------------------------------------------------------------------------------
    @precondition(lambda self: len(self.baskets) < 4)
    @rule(channel=st.sampled_from(["kiosk", "kiosk", "counter"]))
    def new_basket(self, channel):
        actor = self.staff if channel == "counter" else self.kiosk
        basket = self.box_office.booking.new_basket(actor, self.hall.showtime_id, channel)
        self.baskets.append(basket.id)

    @precondition(lambda self: bool(self.baskets))
    @rule(data=st.data(), seats=seat_groups, dawdle=st.sampled_from([0, 0, HOLD_S["kiosk"] + 1]))
    def hold(self, data, seats, dawdle):
        """Add seats, maybe after dawdling until a kiosk hold has lapsed."""
        self.clock.advance(dawdle)
        self._hold(data.draw(st.sampled_from(self.baskets)), seats)

    @precondition(lambda self: any(0 < len(b.seats) < MAX_SEATS for b in self.open_baskets()))
    @rule(
        data=st.data(),
        seat=st.sampled_from(SEATS),
        dawdle=st.sampled_from([0, HOLD_S["kiosk"] + 1]),
    )
    def add_a_seat(self, data, seat, dawdle):
        """One more seat for a basket that has some (after a decline, or a lapse, too)."""
        self.clock.advance(dawdle)
        baskets = [b.id for b in self.open_baskets() if 0 < len(b.seats) < MAX_SEATS]
        self._hold(data.draw(st.sampled_from(baskets)), [seat])

    @precondition(lambda self: len(self.baskets) < 4)
    @rule(channel=st.sampled_from(["kiosk", "counter"]), seats=seat_groups, declined=st.booleans())
    def walk_up_sale(self, channel, seats, declined):
        """A customer who knows what they want: choose and pay in one go."""
        actor = self.staff if channel == "counter" else self.kiosk
        basket_id = self.box_office.booking.new_basket(actor, self.hall.showtime_id, channel).id
        self.baskets.append(basket_id)
        self._hold(basket_id, seats)
        if self.stored(basket_id).seats:
            self._checkout(basket_id, declined)
        else:
            self.baskets.remove(basket_id)

    @precondition(lambda self: any(b.seats for b in self.open_baskets()))
    @rule(data=st.data(), declined=st.booleans())
    def checkout(self, data, declined):
        with_seats = [b.id for b in self.open_baskets() if b.seats]
        self._checkout(data.draw(st.sampled_from(with_seats)), declined)

    @precondition(lambda self: any(b.seats for b in self.open_baskets()))
    @rule(data=st.data(), dawdle=st.sampled_from([0, 0, HOLD_S["kiosk"] + 1]))
    def pay(self, data, dawdle):
        """Pay with a good card, maybe after dawdling until a kiosk hold has lapsed."""
        self.clock.advance(dawdle)
        with_seats = [b.id for b in self.open_baskets() if b.seats]
        self._checkout(data.draw(st.sampled_from(with_seats)), False)

    @precondition(lambda self: any(b.seats for b in self.open_baskets()))
    @rule(data=st.data())
    def release(self, data):
        basket = data.draw(st.sampled_from([b for b in self.open_baskets() if b.seats]))
        everything = data.draw(st.booleans())
        gone = (
            list(basket.seats)
            if everything
            else data.draw(st.lists(st.sampled_from(basket.seats), min_size=1, unique=True))
        )
        after = self.box_office.booking.release(
            self.actor(basket), basket.id, None if everything else gone
        )
        self.m_release(basket.hold_id, gone)
        assert not set(gone) & set(after.seats)
        assert after == self.stored(basket.id)

    @precondition(
        lambda self: (
            len(self.baskets) < 4 and any(b.booking_id is not None for b in self.open_baskets())
        )
    )
    @rule(data=st.data(), pay_now=st.booleans())
    def rival_takes_a_seat(self, data, pay_now):
        """While a declined customer hesitates, their hold lapses and a rival takes a seat."""
        slow = data.draw(
            st.sampled_from([b for b in self.open_baskets() if b.booking_id is not None])
        )
        if not slow.seats:
            return
        if slow.held_until >= self.now:
            self.clock.advance(slow.held_until - self.now + 1)
        rival = self.box_office.booking.new_basket(self.kiosk, self.hall.showtime_id).id
        self.baskets.append(rival)
        self._hold(rival, [data.draw(st.sampled_from(slow.seats))])
        if pay_now and self.stored(rival).seats:
            self._checkout(rival, declined=False)

    @precondition(lambda self: bool(self.baskets))
    @rule(data=st.data())
    def abandon(self, data):
        """The kiosk times out: seats go back and an unpaid booking is closed."""
        basket = self.stored(data.draw(st.sampled_from(self.baskets)))
        event("abandon" + (" after a decline" if basket.booking_id is not None else ""))
        self.m_release(basket.hold_id, basket.seats)
        self.box_office.checkout.abandon(self.actor(basket), basket.id)
        assert self.stored(basket.id).seats == []
        if basket.booking_id is not None:
            state = self.box_office.store.bookings.get(basket.booking_id).state
            if self.pending.pop(basket.booking_id, None) is not None:
                assert state == "cancelled"
            else:
                assert state == self.closed[basket.booking_id]
        self.baskets.remove(basket.id)

    @precondition(lambda self: bool(self.baskets))
    @rule(data=st.data())
    def walk_away(self, data):
        """The kiosk crashes: nothing is released; holds lapse, reconcile closes bookings."""
        self.baskets.remove(data.draw(st.sampled_from(self.baskets)))

    @precondition(lambda self: any(b.seats for b in self.open_baskets()))
    @rule(data=st.data(), quantity=st.integers(0, 2))
    def set_extras(self, data, quantity):
        basket = data.draw(st.sampled_from([b for b in self.open_baskets() if b.seats]))
        self.box_office.booking.set_extras(
            self.actor(basket), basket.id, {self.popcorn.id: quantity}
        )

    @rule(seconds=st.sampled_from([30, 110, 300, 8 * 60 + 1, 15 * 60 + 1]))
    def advance_clock(self, seconds):
        self.clock.advance(seconds)

    @precondition(lambda self: any(b["seats"] for b in self.confirmed.values()))
    @rule(data=st.data(), everything=st.booleans())
    def cancel(self, data, everything):
        booking_id = data.draw(
            st.sampled_from([k for k, b in self.confirmed.items() if b["seats"]])
        )
        model = self.confirmed[booking_id]
        before = self.box_office.store.bookings.get(booking_id)
        chosen = (
            sorted(model["seats"])
            if everything
            else data.draw(
                st.lists(st.sampled_from(sorted(model["seats"])), min_size=1, unique=True)
            )
        )
        event("cancel: all" if set(chosen) == model["seats"] else "cancel: some")
        after = self.box_office.aftersales.cancel(self.admin, before.reference, chosen)
        model["seats"] -= set(chosen)
        for seat in chosen:
            del self.sold[seat]
        kept_total = sum(PRICE[s] for s in model["seats"])
        expected = kept_total + model["extras"] if model["seats"] else 0
        assert after.total == expected
        assert after.state == ("confirmed" if model["seats"] else "refunded")
        refund = after.payments[-1]
        assert (refund.kind, refund.amount) == ("refund", before.total - expected)
        assert sorted(refund.seats) == sorted(chosen)

    @precondition(lambda self: bool(self.pending))
    @rule(later=st.booleans())
    def reconcile(self, later):
        """Reconcile runs now, or later (after the grace) as a nightly job would."""
        if later:
            self.clock.advance(HOLD_S["counter"] + GRACE_S + 1)
        due = self.due()
        event(f"reconcile: {len(due)} expired")
        outcomes = self.box_office.reconcile.run(self.admin)
        references = {self.box_office.store.bookings.get(i).reference for i in due}
        assert {o.reference for o in outcomes} == references
        assert {o.after for o in outcomes} <= {"expired"}
        for booking_id in due:
            pending = self.pending.pop(booking_id)
            self.closed[booking_id] = "expired"
            self.m_release(pending["basket"].hold_id, pending["seats"])

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def seats_and_bookings_agree(self):
        assert consistency_problems(self.box_office, self.hall.showtime_id) == []

    @invariant()
    def database_matches_the_model(self):
        assert sold_seats(self.box_office, self.hall.showtime_id) == self.sold
        live = {seat: hold for seat, (hold, until) in self.holds.items() if until >= self.now}
        assert live_holds(self.box_office, self.hall.showtime_id, self.now) == live
        states = {b.id: b.state for b in showtime_bookings(self.box_office, self.hall.showtime_id)}
        pending = {booking_id for booking_id, state in states.items() if state == "pending_payment"}
        assert pending == set(self.pending)

    @invariant()
    def totals_and_money_agree(self):
        for booking in showtime_bookings(self.box_office, self.hall.showtime_id):
            charged = net_charged(self.box_office, booking.id)
            assert booking.paid == charged, booking.reference
            active = booking.active_seats
            if booking.state == "confirmed":
                extras = sum(e.unit_price * e.quantity for e in booking.extras)
                assert booking.discount == 0
                assert booking.total == sum(s.price for s in active) + extras
                assert [s.price for s in active] == [PRICE[s.seat_id] for s in active]
                assert booking.paid == booking.total
            else:
                assert booking.paid == 0, (booking.reference, booking.state)

    @invariant()
    def basket_seats_are_distinct(self):
        for basket in self.open_baskets():
            assert len(set(basket.seats)) == len(basket.seats)


def test_booking_state_machine(config):
    BookingMachine.config = config
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            # Shrinking a failure against the database can take many minutes; the failing
            # run's steps are printed unshrunk instead.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
