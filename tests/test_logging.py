"""One logging setup for the long-running processes: a rotating 0600 file in the data
dir, its level from ``logging.level`` or ``--log-level``, secrets never in it; SIGTERM
stops the server and the notify worker cleanly."""

from __future__ import annotations

import logging
import os
import signal
import stat
import subprocess
import sys

import pytest
from server_support import start, stop

from core.config import load_config
from core.errors import ConfigError
from core.logfile import log_for
from core.repo.embedded import EmbeddedServer

SECRET = "sk_test_known-secret-0123456789"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXJpYSJ9.c2lnbmF0dXJlLXBhcnQ"


@pytest.fixture
def logger():
    """A logger of the test's own, its handlers removed afterwards."""
    log = logging.getLogger("marquee.test-logging")
    yield log
    for handler in list(log.handlers):
        handler.close()
        log.removeHandler(handler)


def test_a_known_secret_and_tokens_never_reach_the_log_file(environment, monkeypatch, logger):
    monkeypatch.setenv("MARQUEE_STRIPE_API_KEY", SECRET)
    config = load_config()
    log_for(config, "test.log", logger.name)
    logger.warning("charging with key %s", SECRET)
    logger.info("request Authorization: Bearer %s from mqd_abcdefghijklmnop", JWT)
    try:
        raise RuntimeError(f"provider refused {SECRET}")
    except RuntimeError:
        logger.exception("round failed")
    text = (config.data_dir / "test.log").read_text()
    assert "charging with key ***" in text and "round failed" in text
    for secret in (SECRET, JWT, "mqd_abcdefghijklmnop"):
        assert secret not in text
    assert stat.S_IMODE((config.data_dir / "test.log").stat().st_mode) == 0o600


def test_the_log_rotates_at_the_configured_size_and_keeps_the_configured_count(
    environment, monkeypatch, logger
):
    monkeypatch.setenv("MARQUEE_LOGGING_MAX_BYTES", "10000")
    monkeypatch.setenv("MARQUEE_LOGGING_BACKUPS", "2")
    config = load_config()
    log_for(config, "rotating.log", logger.name)
    for n in range(600):
        logger.info("line %d %s", n, "x" * 80)
    files = sorted(p.name for p in config.data_dir.glob("rotating.log*"))
    assert files == ["rotating.log", "rotating.log.1", "rotating.log.2"]
    for name in files:
        path = config.data_dir / name
        assert path.stat().st_size <= 10000
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_level_comes_from_the_config_and_the_option_wins(environment, monkeypatch, logger):
    monkeypatch.setenv("MARQUEE_LOGGING_LEVEL", "WARNING")
    config = load_config()
    log_for(config, "levels.log", logger.name)
    logger.info("not at warning")
    logger.warning("at warning")
    log_for(config, "debug.log", logger.name, level="debug")
    logger.debug("at debug")
    assert "not at warning" not in (config.data_dir / "levels.log").read_text()
    assert "at debug" in (config.data_dir / "debug.log").read_text()


@pytest.mark.parametrize(
    "name, value",
    [("LEVEL", "LOUD"), ("MAX_BYTES", "10"), ("BACKUPS", "0"), ("BACKUPS", "many")],
)
def test_a_bad_logging_setting_is_one_line(environment, monkeypatch, name, value):
    monkeypatch.setenv(f"MARQUEE_LOGGING_{name}", value)
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert len(str(refused.value).splitlines()) == 1
    assert f"LOGGING_{name}" in str(refused.value).upper().replace(".", "_")


def test_a_bad_log_level_option_is_one_line(cli):
    line = cli("notify", "worker", "--log-level", "LOUD").error_line()
    assert "log level" in line


def test_sigterm_stops_the_server_cleanly_and_it_logged_to_its_file(box_office, environment):
    process, _url = start("--log-level", "DEBUG")
    stop(process)  # SIGTERM: exit code 0, no traceback
    log = box_office.config.data_dir / "server.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_sigterm_stops_the_notify_worker_after_its_round(box_office, environment):
    worker = subprocess.Popen(
        [sys.executable, "-c", "from console.cli import run; run()"]
        + ["notify", "worker", "--interval", "0.1"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert "delivering" in worker.stdout.readline()  # it runs its rounds now
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "worker stopped" in out and "Traceback" not in err
    assert (box_office.config.data_dir / "notify.log").exists()


@pytest.mark.embedded_only
def test_the_embedded_servers_log_rotates(tmp_path):
    server = EmbeddedServer(tmp_path / "data", linger_s=0.2)
    server.log_limits = (10_000, 2)
    server.paths.ensure()
    server.paths.log.write_text("old line\n" * 2_000)  # 18 000 bytes: over the limit
    try:
        server.acquire()
        state = server.paths.read_state()
        # Once it answers, what it writes goes through its rotating log, not into the file.
        assert os.readlink(f"/proc/{state.pid}/fd/2").startswith("pipe:")
        server.release()
    finally:
        server.stop(force=True)
    log = server.paths.log
    assert log.with_name("server.log.1").read_text().startswith("old line")
    assert log.stat().st_size < 10_000
    assert stat.S_IMODE(log.with_name("server.log.1").stat().st_mode) == 0o600


OUTPUT_SCRIPT = """
import os, sys
from pathlib import Path
from core.logfile import log_output, log_to

log_to(Path(sys.argv[1]), "", level="WARNING", max_bytes=4_000, backups=2)
log_output()
for n in range(300):
    os.write(2, b"raw line %d\\n" % n)  # as a C library writes
    print(f"printed line {n}", file=sys.stderr)
print("the last line")
raise SystemExit("error: the very end")
"""


def test_a_running_servers_output_goes_through_its_rotating_log(tmp_path):
    # As a server's starter does: stdout and stderr appended to the server's log file.
    log = tmp_path / "server.log"
    with open(log, "ab") as output:
        finished = subprocess.run(
            [sys.executable, "-c", OUTPUT_SCRIPT, str(log)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            timeout=60,
        )
    assert finished.returncode == 1
    files = sorted(tmp_path.glob("server.log*"))
    assert [f.name for f in files] == ["server.log", "server.log.1", "server.log.2"]
    assert all(f.stat().st_size <= 4_000 for f in files)  # nothing written past a rotation
    text = log.read_text()
    assert "WARNING output: the last line" in text
    assert "raw line 299" in text and "printed line 299" in text
    assert text.rstrip().endswith("WARNING output: error: the very end")
