"""Signing in at a counter of a theater one does not work at is refused at once."""

from __future__ import annotations

import pytest
from console_support import SIZE, make_counter, sign_in
from kiosk_support import screen_text, seeded_demo, wait_until
from textual.widgets import Input

from console.counter.signin import SignInScreen

demo = pytest.fixture(seeded_demo)


def words(text: str) -> str:
    """The screen's text with its line breaks and box borders taken out."""
    return " ".join(text.replace("│", " ").split())


async def test_staff_of_another_theater_are_refused_at_sign_in_and_told_where_they_work(demo):
    app = make_counter(demo, "riverside")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")  # sam works downtown only
        said = (
            "You work at Marquee Downtown (downtown), not at Marquee Riverside (riverside): "
            "sign in at a counter there."
        )
        await wait_until(pilot, lambda: said in words(screen_text(app)))
        assert app.actor is None and isinstance(app.screen, SignInScreen)
        assert app.box_office is app.counter
        login = app.screen.query_one("#signin-login", Input)
        login.value = ""
        login.focus()
        await sign_in(pilot, "maria", "marquee-manager")  # she works at both
        await wait_until(pilot, lambda: app.actor is not None)
        assert app.theater_id == "riverside"
