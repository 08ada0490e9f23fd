"""The CLI as a client of a box-office server on another machine: a data dir with no
database and no keys, ``MARQUEE_SERVER`` pointing at a ``marquee serve`` the test
started, and the sale, the refund, the door and the report all through the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from api_support import MANAGER, STAFF, set_up
from server_support import ROOT, start, stop

from client.remote import RemoteBoxOffice
from server.contract.local import token_path

UNREACHABLE_DATABASE = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300"


@pytest.fixture
def server(box_office):
    process, url = start()
    try:
        local = token_path(box_office.config.data_dir).read_text()
        hall, _manager, _staff = set_up(
            connect=lambda token: RemoteBoxOffice(url, token), local_token=local
        )
        yield url, hall
    finally:
        stop(process)


@pytest.fixture
def elsewhere(tmp_path, server):
    """``marquee ARGS`` as its own process on "another machine": its own data dir and
    config dir, a database address where nothing answers, the server's address."""
    url, _hall = server
    home = tmp_path / "terminal"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "MARQUEE_DATA_DIR": str(home / "data"),
        "MARQUEE_MONGO_URI": UNREACHABLE_DATABASE,
        "MARQUEE_SERVER": url,
        "COLUMNS": "200",
    }

    def run(*args: str, typed: str = "") -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", "from console.cli import run; run()", *args]
        return subprocess.run(
            command, input=typed, env=env, cwd=home.parent, capture_output=True, text=True
        )

    home.mkdir()
    return run, home


def ok(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.startswith(("{", "[")) else result.stdout


def test_the_cli_sells_refunds_scans_and_reports_through_the_server(server, elsewhere):
    url, hall = server
    run, home = elsewhere
    show = hall.showtime_id

    assert "signed in as sam (staff)" in ok(run("login", STAFF[0], typed=STAFF[1] + "\n"))
    sale = ok(run("book", show, "--seats", "A3,A4", "--pay", "simulated", "--json"))
    assert (sale["state"], [s["seat_id"] for s in sale["seats"]]) == ("confirmed", ["A3", "A4"])
    [first, second] = ok(run("tickets", "list", sale["reference"], "--json"))
    assert ok(run("tickets", "scan", first["token"], "--json"))["verdict"] == "ADMIT"
    again = run("tickets", "scan", first["token"], "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["verdict"] == "ALREADY_ADMITTED"
    refused = run("bookings", "cancel", sale["reference"], "--seats", "A4")
    assert refused.returncode != 0 and refused.stderr.startswith("error: not allowed")

    assert "signed out" in ok(run("logout"))
    assert "signed in as mia (manager)" in ok(run("login", MANAGER[0], typed=MANAGER[1] + "\n"))
    cancelled = ok(run("bookings", "cancel", sale["reference"], "--seats", "A4", "--json"))
    assert cancelled["refunded"] == sale["total"] // 2
    report = ok(run("report", "sales", "--format", "json"))
    assert report["rows"] and report["totals"]["net"] == sale["total"] - cancelled["refunded"]

    # Nothing of the box office is kept on this machine: no database, no keys; only
    # the session of that server, readable by its user alone.
    kept = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert kept == ["config/marquee/sessions.json"]
    sessions = json.loads((home / "config/marquee/sessions.json").read_text())
    assert list(sessions) == [url]
    assert oct((home / "config/marquee/sessions.json").stat().st_mode & 0o777) == "0o600"


def test_an_unreachable_server_is_one_line(elsewhere, server):
    run, _home = elsewhere
    url, _hall = server
    result = subprocess.run(
        [sys.executable, "-c", "from console.cli import run; run()", "movies", "list"],
        env=dict(os.environ, MARQUEE_SERVER="http://127.0.0.1:9"),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "error: box-office server at http://127.0.0.1:9 is not answering"
    )
