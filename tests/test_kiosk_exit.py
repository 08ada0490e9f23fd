"""Quitting the kiosk is for staff: Ctrl+Q asks for the exit PIN (``kiosk.exit_pin``);
without one only a --demo kiosk quits on Ctrl+Q. Customers stay in the kiosk."""

from __future__ import annotations

import pytest
from kiosk_support import SIZE, kiosk_client, make_kiosk, screen_text, seeded_demo, wait_until
from textual.widgets import Input

from core.config import load_config
from kiosk.attract import AttractScreen
from kiosk.main import make_kiosk_app
from kiosk.staff_exit import StaffExit

demo = pytest.fixture(seeded_demo)
PIN = "24681357"


def test_the_exit_pin_comes_from_the_config_and_is_never_shown(tmp_path, caplog):
    config = load_config(environ={"HOME": str(tmp_path), "MARQUEE_KIOSK_EXIT_PIN": PIN})
    assert config.kiosk.exit_pin.get_secret_value() == PIN
    assert PIN not in repr(config) and PIN not in str(config.kiosk)
    assert load_config(environ={"HOME": str(tmp_path)}).kiosk.exit_pin.get_secret_value() == ""


async def test_ctrl_q_quits_only_with_the_staff_pin(demo):
    customers = make_kiosk(demo)  # no PIN configured: nobody quits from the keyboard
    async with customers.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(customers.screen, AttractScreen))
        await pilot.press("ctrl+q", "ctrl+c")
        await pilot.pause(0.1)
        assert customers.return_code is None and isinstance(customers.screen, AttractScreen)
        assert not customers.notifications_given  # nothing tells a customer how to quit

    staffed = make_kiosk(demo, exit_pin=PIN)
    async with staffed.run_test(size=SIZE) as pilot:
        await pilot.press("x", "ctrl+q")  # from any screen, the programme here
        await wait_until(pilot, lambda: isinstance(staffed.screen, StaffExit))
        await wait_until(pilot, lambda: isinstance(staffed.focused, Input))
        await pilot.press(*"1234", "enter")
        await wait_until(pilot, lambda: "not the exit PIN" in screen_text(staffed))
        assert staffed.return_code is None and PIN not in screen_text(staffed)
        await pilot.press("escape")  # a customer who pressed Ctrl+Q goes back to buying
        await wait_until(pilot, lambda: not isinstance(staffed.screen, StaffExit))
        assert staffed.return_code is None
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(staffed.focused, Input))
        await pilot.press(*PIN)
        assert PIN not in screen_text(staffed)  # typed as dots
        await pilot.press("enter")
        await wait_until(pilot, lambda: staffed.return_code == 0)


async def test_a_demo_kiosk_quits_on_ctrl_q(demo):
    app = make_kiosk_app(kiosk_client(demo), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, AttractScreen))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code == 0)
