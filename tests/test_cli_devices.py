"""``marquee devices add|list|revoke``: pairing codes, their QR code, plain one-line errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.errors import DeviceInvalid

CODE = r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{2}"


@pytest.fixture
def roxy(box_office, admin, cli):
    box_office.venues.add_theater(admin, name="Roxy", theater_id="roxy")
    box_office.venues.add_theater(admin, name="Odeon", theater_id="odeon")
    return cli


def test_add_prints_a_code_that_pairs_once(roxy, box_office):
    result = roxy("devices", "add", "Door A", "--kind", "door", "--theater", "roxy", "--json")
    assert result.exit_code == 0, result.stderr
    added = result.json()
    assert set(added) == {"code", "device_id", "expires_at"}
    assert re.fullmatch(CODE, added["code"])
    expires = dt.datetime.fromisoformat(added["expires_at"])
    assert dt.timedelta(minutes=59) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=1)
    device, token = box_office.devices.pair(added["code"])
    assert device.id == added["device_id"]
    assert box_office.devices.actor_for_device(token).role == "door"


def test_add_shows_the_code_and_its_qr_code(roxy):
    result = roxy("devices", "add", "Lobby 1", "--kind", "kiosk", "--theater", "roxy")
    assert result.exit_code == 0, result.stderr
    code = re.search(f"pairing code: ({CODE})", result.stdout).group(1)
    qr_lines = [line for line in result.stdout.splitlines() if set(line) <= set(" ▀▄█")]
    assert len(qr_lines) > 10
    assert "Lobby 1" in result.stdout and code


def test_list_and_revoke(roxy, box_office):
    added = roxy("devices", "add", "Till 1", "--kind", "counter", "--theater", "roxy", "--json")
    _, token = box_office.devices.pair(added.json()["code"])
    roxy("devices", "add", "Door A", "--kind", "door", "--theater", "odeon")
    rows = roxy("devices", "list", "--theater", "roxy", "--json").json()
    assert [(r["name"], r["kind"], r["state"]) for r in rows] == [("Till 1", "counter", "paired")]
    assert rows[0]["last_seen"] and "code" not in str(rows)
    assert len(roxy("devices", "list", "--json").json()) == 2
    table = roxy("devices", "list").stdout
    assert "Till 1" in table and "Door A" in table
    result = roxy("devices", "revoke", "till 1", "--theater", "roxy")
    assert result.exit_code == 0 and "revoked counter Till 1 at roxy" in result.stdout
    with pytest.raises(DeviceInvalid):
        box_office.devices.actor_for_device(token)
    rows = roxy("devices", "list", "--theater", "roxy", "--json").json()
    assert rows[0]["state"] == "revoked"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "X", "--kind", "turnstile", "--theater", "roxy"],
            "'turnstile' is not one of 'kiosk', 'door', 'counter'",
        ),
        (["add", "X", "--kind", "door", "--theater", "nowhere"], "error: no theater 'nowhere'"),
        (["add", "X\x1b[2J", "--kind", "door", "--theater", "roxy"], "error: name:"),
        (["add", "X", "--theater", "roxy"], "error: Missing option '--kind'"),
        (["revoke", "ghost", "--theater", "roxy"], "error: no device 'ghost'"),
        (["add", "Door A", "--kind", "door", "--theater", "roxy"], "already exists"),
    ],
)
def test_bad_input_is_one_line_and_a_failing_exit(roxy, args, message):
    roxy("devices", "add", "Door A", "--kind", "door", "--theater", "roxy")
    line = roxy("devices", *args).error_line()
    assert message in line and "\x1b" not in line


def test_only_managers_of_the_theater_manage_its_devices(roxy, box_office, admin, monkeypatch):
    box_office.auth.add_user(admin, "ada", "Ada", "admin", "correct horse")
    box_office.auth.add_user(admin, "mia", "Mia", "manager", "correct horse", ["odeon"])
    monkeypatch.setenv("MARQUEE_TOKEN", box_office.auth.sign_in("mia", "correct horse").token)
    line = roxy("devices", "add", "X", "--kind", "door", "--theater", "roxy").error_line()
    assert line == "error: not allowed: devices manage at theater roxy"
    assert roxy("devices", "add", "X", "--kind", "door", "--theater", "odeon").exit_code == 0
