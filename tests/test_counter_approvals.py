"""Cross-machine approvals: a refund left waiting at one till is approved from a
manager's console on another device, each console a client of the real app."""

from __future__ import annotations

import pytest
from console_support import SIZE, find_at_desk, make_counter, sign_in
from kiosk_support import screen_text, seeded_demo, wait_for_screen, wait_until
from test_counter_console import open_drawer, sell_then_find

from console.counter.approval import ManagerApproval
from console.counter.ask import Ask
from console.counter.sell import SellHome
from core.actor import Actor

demo = pytest.fixture(seeded_demo)


async def test_cross_machine_approvals_a_refund_left_at_till_1_is_approved_at_another(demo):
    from console.counter.waiting import WaitingApprovals

    till_1 = make_counter(demo)
    async with till_1.run_test(size=SIZE) as pilot:
        sold, desk = await sell_then_find(pilot, "sam", "marquee-staff", "TILL1", 1, "50")
        await pilot.press("r")
        await wait_for_screen(pilot, Ask)
        await pilot.press("enter")
        await wait_for_screen(pilot, ManagerApproval)
        await pilot.press("f6")
        await wait_until(pilot, lambda: "Waiting for a manager" in desk.message or till_1.errors)
        assert till_1.errors == []
    office = make_counter(demo)  # the manager's console: another device
    assert office.counter.me().subject != till_1.counter.me().subject
    async with office.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "maria", "marquee-manager")
        await open_drawer(pilot, "TILL2", "100")  # the refund is paid out of her drawer
        await wait_for_screen(pilot, SellHome)
        await find_at_desk(pilot, sold.reference)
        await pilot.press("f7")
        waiting = await wait_for_screen(pilot, WaitingApprovals)
        await wait_until(pilot, lambda: waiting.requests)
        assert waiting.requests[0].requested_by == "sam"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "refunded" in waiting.message or office.errors)
        assert office.errors == [] and "refunded" in screen_text(office)
    refunded = demo.store.bookings.get(sold.id)
    assert refunded.state == "refunded" and refunded.paid == 0
    [refund] = [m for m in refunded.payments if m.kind == "refund"]
    assert refund.shift_id == demo.store.cash_shifts.open_of("maria").id
    admin = Actor.local_admin()
    [entry] = [e for e in demo.audit.entries(admin) if e.action == "refund"]
    assert entry.user == "maria"
