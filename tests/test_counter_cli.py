"""`marquee console` on one machine: no pairing (a counter of this machine, made with
the data dir's local token), and a theater it does not know is one line."""

from __future__ import annotations

import pytest
from console_support import SIZE, sign_in
from kiosk_support import THEATER, seeded_demo, wait_for_screen

from client.pairing import local_device_path, stored_device
from console import context
from console.counter.app import CounterApp
from console.counter.sell import SellHome
from console.terminal import connect, terminal_actor

demo = pytest.fixture(seeded_demo)


def test_an_unknown_theater_is_one_line_and_exit_1(cli):
    result = cli("console", "--theater", "nowhere")
    assert result.exit_code == 1
    assert result.error_line() == "error: no theater 'nowhere'"


async def test_a_counter_on_one_machine_needs_no_pairing(demo):
    context.reset()
    try:
        counter = connect("counter", server=None, pair=None, theater=None)
        till = terminal_actor(counter, "counter", None)
        assert till.role == "counter" and till.theaters == (THEATER,)
        kept = stored_device(local_device_path(context.config().data_dir), "counter")
        assert kept == counter.token and kept.startswith("mqd_")
        app = CounterApp(counter, till.theaters[0])
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "sam", "marquee-staff")
            await wait_for_screen(pilot, SellHome)
            assert app.actor.subject == "sam" and app.errors == []
        counter.close()
    finally:
        context.reset()
