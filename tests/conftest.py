"""Shared fixtures: one real embedded server per test worker, a fresh database per test.

``MARQUEE_TEST_MONGO_URI`` runs the tests on that MongoDB instead (a replica set: the live
seat maps follow change streams), each test still on a database of its own; the tests
about the embedded server itself (marked ``embedded_only``) are skipped then."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from booking_support import LAYOUT, Clock, make_hall, tomorrow
from pymongo.errors import InvalidOperation
from tiers import tiers_of

from core.bootstrap import BoxOffice, open_box_office
from core.config import Config, load_config
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor

# The CLI's Rich consoles read the width once, when first imported, which under xdist
# can be before any test's environment is set: give every worker wide tables.
os.environ["COLUMNS"] = "200"

TEST_MONGO_URI = os.environ.get("MARQUEE_TEST_MONGO_URI", "")
# The fixture of an embedded server of the test's own: its tests are about that server.
EMBEDDED_FIXTURE = "own_embedded"


@pytest.fixture(scope="session")
def embedded_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database server of this test worker: MARQUEE_TEST_MONGO_URI, else an embedded
    server started for the worker."""
    if TEST_MONGO_URI:
        yield TEST_MONGO_URI
        return
    server = EmbeddedServer(tmp_path_factory.mktemp("embedded"), linger_s=0.5)
    uri = server.acquire()
    yield uri
    server.release()
    server.stop(force=True)


@pytest.fixture
def environment(embedded_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Environment of a test: the shared server, its own database and data dir."""
    for name in list(os.environ):
        if name.startswith("MARQUEE_"):
            monkeypatch.delenv(name)
    env = {
        "MARQUEE_MONGO_URI": embedded_uri,
        "MARQUEE_DB_NAME": "t_" + uuid.uuid4().hex[:12],
        "MARQUEE_DATA_DIR": str(tmp_path / "data"),
        "MARQUEE_AUTH_BCRYPT_COST": "4",  # the lowest cost: tests sign in a lot
        # Test mode: the counter takes the simulated card too (a real till does not).
        "MARQUEE_PAYMENTS_TEST_MODE": "true",
        # Commands run the server inside their own process: no server process per test
        # (tests/test_local_server.py covers the local server process).
        "MARQUEE_SERVER_LOCAL": "in-process",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "COLUMNS": "200",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # so the project's own config.toml is not read
    return env


@pytest.fixture
def config(environment: dict) -> Config:
    return load_config()


@pytest.fixture
def own_embedded(config: Config, tmp_path: Path):
    """Embedded mode on an embedded server of the test's own (one it may stop and
    restart): the config, and that server. The server is stopped at the end."""
    data_dir = tmp_path / "own-data"
    own = config.with_overrides(
        mongo={"uri": "", "connect_timeout_s": 1.0},
        data={"dir": str(data_dir)},
        embedded={"linger_s": 0.2},
    )
    yield own, EmbeddedServer(data_dir)
    EmbeddedServer(data_dir).stop(force=True)


@pytest.fixture
def admin() -> Actor:
    return Actor.local_admin()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def error_line(self) -> str:
        """The run failed with exactly one line on stderr and nothing on stdout."""
        assert self.exit_code != 0
        assert self.stdout == ""
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        return lines[0]


@pytest.fixture
def cli(box_office: BoxOffice, capsys: pytest.CaptureFixture):
    """Run ``marquee ARGS`` in-process against the test's database."""

    from console import context
    from console.cli import main as cli_main

    def run(*args: str) -> CliResult:
        context.reset()
        capsys.readouterr()
        code = cli_main(list(args))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    yield run
    context.reset()


# -- a small hall with one showtime tomorrow, for the booking and payment tests ----------------
@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_office(config, clock):
    """Open box offices on the test's database with the controllable clock."""
    opened = []

    def open_(**sections: dict):
        """A box office with some config sections overridden, like ``booking={...}``."""
        box_office = open_box_office(
            config.with_overrides(**sections) if sections else config, clock=clock
        )
        opened.append(box_office)
        return box_office

    yield open_
    drop_database(opened, config)
    for box_office in opened:
        box_office.close()


def drop_database(opened: list[BoxOffice], config: Config) -> None:
    """The test's database goes with it, through a box office the test left open (a
    second one just for that would set up every index again)."""
    for box_office in reversed(opened):
        with contextlib.suppress(InvalidOperation):  # that one was closed by the test
            box_office.connection.client.drop_database(config.mongo.db_name)
            return
    with open_box_office(config) as cleaner:
        cleaner.connection.client.drop_database(config.mongo.db_name)


@pytest.fixture
def box_office(open_office):
    """The test's box office, on its own database, with the clock the test moves by hand."""
    return open_office()


@pytest.fixture
def hall(box_office, admin, clock):
    return make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(clock))


@pytest.fixture
def kiosk(hall) -> Actor:
    return Actor(subject="kiosk-1", role="kiosk", theaters=(hall.theater.id,))


@pytest.fixture
def staff(hall) -> Actor:
    return Actor(subject="s", role="staff", theaters=(hall.theater.id,))


# -- stand-ins for the card payment services ------------------------------------------------------
STRIPE_READER = "tmr_lobby1"


@pytest.fixture
def fake_stripe(environment, monkeypatch):
    """A local Stripe in test mode, configured for this test (request it before the box office)."""
    from fakes.stripe_server import FakeStripe

    with FakeStripe() as fake:
        monkeypatch.setenv("MARQUEE_STRIPE_API_KEY", fake.api_key)
        monkeypatch.setenv("MARQUEE_STRIPE_API_BASE", fake.url)
        monkeypatch.setenv("MARQUEE_KIOSK_STRIPE_READER_ID", STRIPE_READER)
        monkeypatch.setenv("MARQUEE_BOOKING_PAYMENT_POLL_S", "0.05")
        yield fake


@pytest.fixture
def fake_paypal(environment, monkeypatch):
    """A local PayPal REST API, configured for this test (request it before the box office)."""
    from fakes.paypal_server import FakePaypal

    with FakePaypal() as fake:
        monkeypatch.setenv("MARQUEE_PAYPAL_CLIENT_ID", fake.client_id)
        monkeypatch.setenv("MARQUEE_PAYPAL_CLIENT_SECRET", fake.client_secret)
        monkeypatch.setenv("MARQUEE_PAYPAL_API_BASE", fake.url)
        monkeypatch.setenv("MARQUEE_BOOKING_PAYMENT_POLL_S", "0.05")
        yield fake


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put each test in the slow tiers its module belongs to (see tests/tiers.py); on
    MARQUEE_TEST_MONGO_URI, skip those about the embedded server itself."""
    not_embedded = pytest.mark.skip(
        reason="about the embedded server itself; MARQUEE_TEST_MONGO_URI runs on another server"
    )
    tiers_by_module: dict[Path, set[str]] = {}
    for item in items:
        if EMBEDDED_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker("embedded_only")
        if TEST_MONGO_URI and item.get_closest_marker("embedded_only"):
            item.add_marker(not_embedded)
        if item.path not in tiers_by_module:
            tiers_by_module[item.path] = tiers_of(item.path.read_text())
        for tier in sorted(tiers_by_module[item.path]):
            item.add_marker(tier)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than there are cores. The UI and process tests spend
    much of their time waiting (for a screen, a server, a timer), which keeps a core
    per worker a third idle."""
    return (os.cpu_count() or 1) + 1
