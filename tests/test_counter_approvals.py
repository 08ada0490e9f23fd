"""Cross-machine approvals: a refund left waiting at one till is approved from a
manager's console on another device, each console a client of the real app."""

from __future__ import annotations

import pytest
from console_support import SIZE, make_counter
from kiosk_support import seeded_demo
from test_counter_console import approve_as_maria, leave_refund_waiting

from core.actor import Actor

demo = pytest.fixture(seeded_demo)


async def test_cross_machine_approvals_a_refund_left_at_till_1_is_approved_at_another(demo):
    till_1 = make_counter(demo)
    async with till_1.run_test(size=SIZE) as pilot:
        sold = await leave_refund_waiting(pilot)
    office = make_counter(demo)  # the manager's console: another device
    assert office.counter.me().subject != till_1.counter.me().subject
    async with office.run_test(size=SIZE) as pilot:
        await approve_as_maria(pilot)
    refunded = demo.store.bookings.get(sold.id)
    assert refunded.state == "refunded" and refunded.paid == 0
    [refund] = [m for m in refunded.payments if m.kind == "refund"]
    assert refund.shift_id == demo.store.cash_shifts.open_of("maria").id
    admin = Actor.local_admin()
    [entry] = [e for e in demo.audit.entries(admin) if e.action == "refund"]
    assert entry.user == "maria"
