"""`marquee door`: the door-check screen driven like a barcode scanner, on the real database."""

from __future__ import annotations

import asyncio

import pytest
from api_support import terminal_client
from cli_support import open_doors
from kiosk_support import screen_text, type_lines
from restart_support import restarted
from textual.widgets import Input, Static

from console.door import DoorApp, DoorScreen
from core.bootstrap import open_box_office
from core.errors import StorageError

SIZE = (100, 36)


def paid_tokens(box_office, admin, showtime_id: str) -> dict[str, str]:
    """The tokens of a paid booking of A1 and A2 for that showtime."""
    basket = box_office.booking.new_basket(admin, showtime_id, "cli")
    basket = box_office.booking.hold(admin, basket.id, ["A1", "A2"])
    booking = box_office.checkout.checkout(admin, basket.id, "simulated")
    return dict(box_office.tickets.tickets(admin, booking.reference))


@pytest.fixture
def soon(box_office, admin) -> str:
    return open_doors(box_office, admin)


@pytest.fixture
def tokens(box_office, admin, soon) -> dict[str, str]:
    return paid_tokens(box_office, admin, soon)


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not condition():
            await pilot.pause(0.02)

    await asyncio.wait_for(poll(), timeout)


def text_of(app: DoorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def verdict_centred(app: DoorApp) -> bool:
    """Whether the verdict's lines sit in the middle of its box, across and down, with
    no more than one blank line between them."""
    box = app.screen.query_one("#door-verdict").region
    lines = screen_text(app).splitlines()
    rows = [lines[y][box.x + 1 : box.right - 1] for y in range(box.y + 1, box.bottom - 1)]
    filled = [i for i, row in enumerate(rows) if row.strip()]
    top, bottom = filled[0], len(rows) - 1 - filled[-1]
    gaps = [b - a - 1 for a, b in zip(filled, filled[1:], strict=False)]
    across = [abs((len(r) - len(r.lstrip())) - (len(r) - len(r.rstrip()))) for r in rows]
    return abs(top - bottom) <= 1 and max(gaps, default=0) <= 1 and max(across) <= 1


async def scan(pilot, token: str, *, key_by_key: bool = False) -> None:
    """Scan like the scanner does (the characters, then Enter) and wait for the verdict.
    ``key_by_key`` sends every character as its own key press, as a slow scanner does."""
    screen = pilot.app.screen
    before = len(screen.history)
    if key_by_key:
        await pilot.press(*token, "enter")
    else:
        await type_lines(pilot, token)
    await wait_until(pilot, lambda: len(screen.history) > before)


async def test_admit_then_already_admitted_then_not_valid(box_office, admin, soon, tokens):
    app = DoorApp(terminal_client(box_office, "door"), admin, door="north")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DoorScreen))
        screen = app.screen
        field = screen.query_one("#door-input", Input)
        assert app.focused is field
        assert "Door north" in text_of(app, "#door-title")
        assert text_of(app, "#door-verdict-title") == "READY"
        assert verdict_centred(app)

        await scan(pilot, tokens["A1"], key_by_key=True)
        assert text_of(app, "#door-verdict-title") == "ADMIT"
        assert text_of(app, "#door-verdict-details").startswith("A1 · Heat · ")
        assert verdict_centred(app)
        assert screen.query_one("#door-verdict").has_class("-admit")
        assert field.value == "" and app.focused is field
        assert text_of(app, "#door-count") == "Admitted this session: 1"

        await scan(pilot, tokens["A1"])
        assert text_of(app, "#door-verdict-title") == "ALREADY ADMITTED"
        assert "at door north" in text_of(app, "#door-verdict-reason")
        assert verdict_centred(app)
        assert screen.query_one("#door-verdict").has_class("-refuse")
        assert field.value == ""
        assert text_of(app, "#door-count") == "Admitted this session: 1"

        await scan(pilot, "garbage-123")
        assert text_of(app, "#door-verdict-title") == "NOT VALID"
        assert verdict_centred(app)
        assert screen.query_one("#door-verdict").has_class("-refuse")
        assert field.value == "" and app.focused is field

        await scan(pilot, tokens["A2"])
        assert text_of(app, "#door-verdict-title") == "ADMIT"
        assert text_of(app, "#door-count") == "Admitted this session: 2"
        history = text_of(app, "#door-history").splitlines()
        assert [line.split("  ")[1] for line in history] == [
            "ADMIT",
            "NOT VALID",
            "ALREADY ADMITTED",
            "ADMIT",
        ]

        await pilot.press("escape")
        assert text_of(app, "#door-verdict-title") == "READY"
        assert screen.query_one("#door-verdict").has_class("-idle")

    assert box_office.tickets.checkins(admin, soon).admitted == 2


async def test_the_wrong_showtime_is_refused(box_office, admin, tokens):
    app = DoorApp(terminal_client(box_office, "door"), admin, showtime_id="another-show")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DoorScreen))
        await scan(pilot, tokens["A1"])
        assert text_of(app, "#door-verdict-title") == "WRONG SHOWTIME"
        assert text_of(app, "#door-count") == "Admitted this session: 0"


async def test_a_database_failure_is_one_line_not_a_traceback(
    box_office, admin, tokens, monkeypatch
):
    def fail(*args, **kwargs):
        raise StorageError("the database is not answering")

    monkeypatch.setattr(box_office.tickets, "scan", fail)
    app = DoorApp(terminal_client(box_office, "door"), admin)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DoorScreen))
        await scan(pilot, tokens["A1"])
        assert text_of(app, "#door-verdict-title") == "OFFLINE"
        reason = text_of(app, "#door-verdict-reason")
        assert "StorageError" in reason and "\n" not in reason
        assert app.screen.query_one("#door-verdict").has_class("-problem")
        assert app.screen.query_one("#door-input", Input).value == ""
        assert app.return_code is None  # still running


def test_the_door_command_exists(cli):
    result = cli("door", "--help")
    assert result.exit_code == 0, result.stderr
    for option in ("--theater", "--door", "--show"):
        assert option in result.stdout


def test_an_unknown_theater_is_a_one_line_error(cli, tokens):
    line = cli("door", "--theater", "nope").error_line()
    assert "nope" in line, line


async def test_the_door_scans_again_after_the_database_restarts(own_embedded, admin):
    config, server = own_embedded
    with open_box_office(config) as box_office:
        tokens = paid_tokens(box_office, admin, open_doors(box_office, admin))
        app = DoorApp(terminal_client(box_office, "door"), admin)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DoorScreen))
            with restarted(server):
                await scan(pilot, tokens["A1"])
                if text_of(app, "#door-verdict-title") in {"OFFLINE", "NOT CHECKED"}:
                    await scan(pilot, tokens["A1"])  # the staff scan again, as told
                assert text_of(app, "#door-verdict-title") == "ADMIT"
                await scan(pilot, tokens["A2"])
                assert text_of(app, "#door-verdict-title") == "ADMIT"
