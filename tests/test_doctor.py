"""``marquee doctor``: a healthy box office passes; each problem shows with its fix and
makes the exit code non-zero; ``--json`` is parseable and holds no secret."""

from __future__ import annotations

import json

import pytest
from booking_support import buy, declined

SECRET = "sk_test_doctor-secret-0123456789"


@pytest.fixture
def demo(cli):
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    return cli


def problems(result) -> dict[str, dict]:
    report = json.loads(result.stdout)
    return {check["name"]: check for check in report["checks"] if not check["ok"]}


def test_a_healthy_demo_box_office_passes(demo):
    result = demo("doctor")
    assert result.exit_code == 0, result.stdout
    assert "healthy" in result.stdout
    for name in ("config", "data dir", "database", "change streams", "clock", "keys", "disk"):
        assert name in result.stdout


def test_a_data_dir_readable_by_the_group_fails_with_its_fix(demo, config):
    exposed = config.data_dir / "kiosk.log"  # as an older version left it
    exposed.write_text("2026-12-05 10:00:00 INFO marquee: started\n")
    exposed.chmod(0o640)
    result = demo("doctor")
    assert result.exit_code != 0
    assert "FAIL" in result.stdout and f"chmod -R go= {config.data_dir}" in result.stdout
    found = problems(demo("doctor", "--json"))
    assert list(found) == ["data dir"]
    assert exposed.name in found["data dir"]["detail"]


def test_a_failed_message_fails_with_its_fix(cli, box_office, hall, kiosk):
    booking = buy(box_office, kiosk, hall, ["A3"])
    box_office.store.outbox.collection.insert_one(
        {
            "_id": "msg-failed-1",
            "state": "failed",
            "channel": "email",
            "due_at": 0.0,
            "created_at": booking.created_at,
        }
    )
    result = cli("doctor", "--json")
    assert result.exit_code != 0
    found = problems(result)
    assert list(found) == ["messages"]
    assert "1 failed" in found["messages"]["detail"]
    assert "marquee notify requeue" in found["messages"]["fix"]


def test_an_open_payment_fails_with_its_fix(cli, box_office, hall, kiosk):
    declined(box_office, kiosk, hall.showtime_id, ["A3"])
    result = cli("doctor")
    assert result.exit_code != 0
    assert "1 left open" in result.stdout and "marquee payments reconcile" in result.stdout


def test_the_json_report_parses_and_holds_no_secret(demo, box_office, monkeypatch):
    monkeypatch.setenv("MARQUEE_STRIPE_API_KEY", SECRET)
    monkeypatch.setenv("MARQUEE_PAYPAL_CLIENT_SECRET", SECRET + "-paypal")
    result = demo("doctor", "--json")
    report = json.loads(result.stdout)
    assert report["healthy"] is (result.exit_code == 0)
    assert SECRET not in result.stdout
    for purpose in ("sessions", "tickets"):
        key = box_office.keys.current(purpose)
        assert key.fingerprint in result.stdout
        assert key.key.hex() not in result.stdout and key.secret not in result.stdout
    keys = {check["name"]: check["detail"] for check in report["checks"]}
    assert "stripe_terminal" in keys["providers"]
