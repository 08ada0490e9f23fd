"""Shared fixtures: one real embedded server per test run, a fresh database per test."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.bootstrap import BoxOffice, open_box_office
from core.config import Config, load_config
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor


@pytest.fixture(scope="session")
def embedded_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    server = EmbeddedServer(tmp_path_factory.mktemp("embedded"), linger_s=0.5)
    uri = server.acquire()
    yield uri
    server.release()
    server.stop(force=True)


@pytest.fixture
def environment(embedded_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Environment of a test: the shared server, its own database and data dir."""
    for name in list(__import__("os").environ):
        if name.startswith("MARQUEE_"):
            monkeypatch.delenv(name)
    env = {
        "MARQUEE_MONGO_URI": embedded_uri,
        "MARQUEE_DB_NAME": "t_" + uuid.uuid4().hex[:12],
        "MARQUEE_DATA_DIR": str(tmp_path / "data"),
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
def box_office(config: Config) -> BoxOffice:
    office = open_box_office(config)
    yield office
    office.connection.client.drop_database(config.mongo.db_name)
    office.close()


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
