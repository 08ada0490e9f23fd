"""Cross-machine approvals: a refund left waiting at one till is approved from a
manager's console on another device, each console a client of the real app; approved
at the counter (cash out of the clerk's drawer) only at the till it was asked at."""

from __future__ import annotations

import pytest
from api_support import LOCAL_TOKEN, app_of
from console_support import SIZE, make_counter
from kiosk_support import THEATER, seeded_demo
from test_counter_console import approve_as_maria, leave_refund_waiting

from client.remote import RemoteBoxOffice
from core.actor import Actor
from core.errors import PermissionDenied

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


def test_a_refund_is_approved_at_the_counter_only_at_the_one_it_was_asked_at(demo, admin):
    app = app_of(demo)
    owner = RemoteBoxOffice.in_process(app, LOCAL_TOKEN)
    till, other = (owner.local_device("counter", THEATER).token for _ in range(2))
    showtime = demo.schedule.showtimes(admin, theater_id=THEATER)[-1].showtime
    kiosk = Actor("kiosk-1", "kiosk", (showtime.theater_id,))
    seat = next(s.id for s in demo.inventory.layout(showtime).seats if not s.blocked)
    basket = demo.booking.hold(kiosk, demo.booking.new_basket(kiosk, showtime.id).id, [seat])
    sold = demo.checkout.checkout(kiosk, basket.id, "simulated")

    def signed_in(device: str | None, login: str, password: str) -> RemoteBoxOffice:
        client = RemoteBoxOffice.in_process(app, device)
        client.sign_in(login, password)
        return client

    clerk = signed_in(till, "sam", "marquee-staff")
    request = clerk.approvals.request_refund(None, sold.reference, [seat])
    for device in (other, None):  # another till, or no till at all
        manager = signed_in(device, "maria", "marquee-manager")
        with pytest.raises(PermissionDenied):
            manager.approvals.approve(None, request.id, at_counter=True)
    assert demo.store.approvals.get(request.id).state == "waiting"
    here = signed_in(till, "maria", "marquee-manager")
    assert here.approvals.approve(None, request.id, at_counter=True).state == "refunded"
