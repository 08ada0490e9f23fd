"""A clerk's session at the counter outlives its short access tokens: the console
renews the token while the session lasts, and goes back to signing in once the
session is over (the till revoked)."""

from __future__ import annotations

import pytest
from console_support import SIZE, make_counter, sign_in
from kiosk_support import (
    THEATER,
    notified,
    screen_text,
    seeded_demo,
    type_lines,
    wait_for_screen,
    wait_until,
)

from console.counter.dashboard import Dashboard
from console.counter.sell import SellHome
from console.counter.signin import SignInScreen
from core.errors import SessionInvalid

demo = pytest.fixture(seeded_demo)


async def test_the_clerks_token_is_renewed_and_the_console_works_on(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "maria", "marquee-manager")
        await wait_for_screen(pilot, SellHome)
        first = app.box_office.token
        assert app._renewal is not None  # renewed before it runs out
        app.renew_session()
        await wait_until(pilot, lambda: app.box_office.token != first)
        with pytest.raises(SessionInvalid):
            app.box_office.with_token(first).me()  # the old token ends
        await pilot.press("f4")
        await wait_for_screen(pilot, Dashboard)
        await wait_until(pilot, lambda: "Today at" in screen_text(app))
        assert app.errors == []


async def test_a_session_ended_with_its_till_goes_back_to_signing_in(demo, admin):
    app = make_counter(demo, THEATER)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        await wait_for_screen(pilot, SellHome)
        till = app.counter.me().subject.partition(":")[2]
        demo.devices.revoke(admin, till, THEATER)  # ends the sessions signed in at it
        app.renew_session()
        await wait_for_screen(pilot, SignInScreen)
        await wait_until(pilot, lambda: notified(app, "sign in again"))
        assert app.actor is None and app.box_office is app.counter and app.errors == []


async def test_an_empty_password_asks_for_it_and_sends_nothing(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "")
        await wait_until(pilot, lambda: "Type your name and your password" in screen_text(app))
        assert isinstance(app.screen, SignInScreen)
        assert app.focused is not None and app.focused.id == "signin-password"
        assert "String should" not in screen_text(app)  # no validator's words
        await type_lines(pilot, "marquee-staff")
        await wait_for_screen(pilot, SellHome)
