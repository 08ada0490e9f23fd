"""The local box-office server process: with no MARQUEE_SERVER, commands and terminals
lease one server per data dir, started when none runs, on a private Unix socket, and
it stops by itself once its last leaseholder has exited or crashed.

Everything here runs as real processes: ``marquee`` commands, a leaseholder that goes
through the CLI's own ``console.context._local_server`` and stays until told, and the
server they start. Waits poll for the awaited state, up to a deadline."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from server_support import ROOT, start, stop, wait_until

from client.local_server import LocalServer
from core.processes import pid_alive
from core.repo.embedded import EmbeddedServer
from server.contract.local import local_server_files, token_path

# A terminal or command that holds the local server: it prints its pid, then for each
# "call" line asks the server who it is, and leaves (closing its client) on any other.
HOLDER = """
import os, sys
from console import context
remote = context._local_server(None)
print(os.getpid(), flush=True)
for line in sys.stdin:
    if line.strip() != "call":
        break
    print(remote.me().role, flush=True)
remote.close()
"""


@pytest.fixture
def local(environment, monkeypatch, tmp_path):
    """Process mode on the test's data dir, lingering 0.3 s; (run, data dir). The local
    server, if any is left, is stopped at the end."""
    monkeypatch.setenv("MARQUEE_SERVER_LOCAL", "process")
    monkeypatch.setenv("MARQUEE_SERVER_LINGER_S", "0.3")
    data_dir = Path(environment["MARQUEE_DATA_DIR"])

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", "from console.cli import run; run()", *args]
        return subprocess.run(
            command,
            env=os.environ | extra_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    yield run, data_dir
    LocalServer(data_dir).stop(force=True)


@pytest.fixture
def holders(local, tmp_path):
    """Start leaseholders (each: its process and pid); those left are ended at the end."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
        started.append(process)
        assert int(process.stdout.readline()) == process.pid
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def call(holder: subprocess.Popen) -> str:
    holder.stdin.write("call\n")
    holder.stdin.flush()
    return holder.stdout.readline().strip()


def finish(holder: subprocess.Popen) -> None:
    holder.stdin.write("done\n")
    holder.stdin.flush()
    assert holder.wait(timeout=30) == 0


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def status(run) -> dict:
    return json.loads(ok(run("db", "status", "--json")))


def stopped(data_dir: Path, pid: int) -> bool:
    return not pid_alive(pid) and LocalServer(data_dir).status() is None


def test_two_commands_reuse_one_local_server(local):
    run, data_dir = local
    ok(run("movies", "add", "Heat", "--runtime", "170", MARQUEE_SERVER_LINGER_S="60"))
    first = status(run)
    assert first["local_server"] is True and pid_alive(first["local_server_pid"])
    listed = json.loads(ok(run("movies", "list", "--json", MARQUEE_SERVER_LINGER_S="60")))
    assert [movie["title"] for movie in listed] == ["Heat"]
    assert status(run)["local_server_pid"] == first["local_server_pid"]


def test_it_stops_after_its_last_leaseholder_and_not_before(local, holders):
    run, data_dir = local
    first, second = holders(), holders()
    server = LocalServer(data_dir).status()
    assert set(server.clients) == {first.pid, second.pid}
    finish(first)
    assert wait_until(lambda: LocalServer(data_dir).status().clients == (second.pid,))
    assert call(second) == "admin"  # the local token: no accounts yet
    assert LocalServer(data_dir).status().pid == server.pid
    finish(second)
    assert wait_until(lambda: stopped(data_dir, server.pid)), "left running with no leaseholder"


def test_a_killed_leaseholder_does_not_keep_it_alive(local, holders):
    _run, data_dir = local
    holder = holders()
    server = LocalServer(data_dir).status()
    assert server.clients == (holder.pid,)
    holder.kill()
    holder.wait()
    assert wait_until(lambda: stopped(data_dir, server.pid))


def test_a_killed_server_is_replaced_on_the_next_command_and_request(local, holders):
    run, data_dir = local
    holder = holders()
    killed = LocalServer(data_dir).status().pid
    os.kill(killed, signal.SIGKILL)
    assert wait_until(lambda: not pid_alive(killed))
    # The next command starts another; the leaseholder's next request finds it.
    assert ok(run("movies", "list")).strip() == "no movies"
    assert call(holder) == "admin"
    replaced = LocalServer(data_dir).status()
    assert replaced.pid != killed and pid_alive(replaced.pid)
    assert replaced.clients == (holder.pid,)


def test_its_directory_socket_and_files_are_private_and_its_log_holds_no_token(local, holders):
    _run, data_dir = local
    holders()
    server = LocalServer(data_dir).status()
    files = local_server_files(data_dir)
    assert server.socket == str(files.root / "api.sock")
    assert stat.S_ISSOCK(os.stat(server.socket).st_mode)
    modes = {
        path.relative_to(data_dir).as_posix(): stat.S_IMODE(os.lstat(path).st_mode)
        for path in [files.root.parent, *files.root.parent.rglob("*")]
    }
    assert modes["server"] == modes["server/local"] == modes["server/local/clients"] == 0o700
    assert modes["server/local/api.sock"] == 0o600
    assert {
        mode for name, mode in modes.items() if not name.endswith(("server", "local", "clients"))
    } == {0o600}
    assert token_path(data_dir).read_text() not in files.log.read_text()


@pytest.fixture
def embedded(environment, monkeypatch):
    """The embedded database of the test's data dir (no MARQUEE_MONGO_URI), stopped at
    the end, after the local server (which the ``local`` fixture stops)."""
    monkeypatch.delenv("MARQUEE_MONGO_URI")
    monkeypatch.setenv("MARQUEE_EMBEDDED_LINGER_S", "0.2")
    data_dir = Path(environment["MARQUEE_DATA_DIR"])
    yield data_dir
    EmbeddedServer(data_dir).stop(force=True)


@pytest.mark.embedded_only
def test_the_command_does_not_open_the_database_the_server_does(embedded, local, holders):
    run, data_dir = local
    holder = holders()
    server = LocalServer(data_dir).status()
    database = EmbeddedServer(data_dir).status()
    assert database.clients == (server.pid,), "only the local server leases the database"
    assert holder.pid not in database.clients
    ok(run("movies", "add", "Heat", "--runtime", "170"))
    assert EmbeddedServer(data_dir).status().clients == (server.pid,)
    assert LocalServer(data_dir).status().pid == server.pid
    finish(holder)
    # The last one out: the server stops, and with it its lease of the database.
    assert wait_until(lambda: stopped(data_dir, server.pid))
    assert wait_until(lambda: EmbeddedServer(data_dir).status() is None)


def test_a_running_marquee_serve_of_the_data_dir_is_used_instead(local):
    run, data_dir = local
    serve, _url = start()
    try:
        ok(run("movies", "add", "Heat", "--runtime", "170"))
        assert LocalServer(data_dir).status() is None
    finally:
        stop(serve)
    assert "Heat" in ok(run("movies", "list", "--json"))  # the same database, now locally


def test_a_server_that_cannot_start_says_why_in_one_line_without_the_password(local):
    run, data_dir = local
    unreachable = "mongodb://clerk:hunter2@127.0.0.1:9/"
    result = run(
        "movies", "list", MARQUEE_MONGO_URI=unreachable, MARQUEE_MONGO_CONNECT_TIMEOUT_S="0.3"
    )
    assert result.returncode == 3 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "error: the local box-office server did not start: cannot reach mongodb://clerk:***@"
    )
    assert "hunter2" not in result.stderr + local_server_files(data_dir).log.read_text()
    assert LocalServer(data_dir).status() is None


def test_in_process_mode_starts_no_server(local):
    run, data_dir = local
    assert ok(run("movies", "list", MARQUEE_SERVER_LOCAL="in-process")).strip() == "no movies"
    assert LocalServer(data_dir).status() is None


@pytest.mark.parametrize(
    ("file", "env", "line"),
    [
        (
            '[server]\nlocal = "thread"\n',
            {},
            "error: config: server.local: input should be 'process' or 'in-process', got 'thread'",
        ),
        (
            "",
            {"MARQUEE_SERVER_LOCAL": "thread"},
            "error: config: MARQUEE_SERVER_LOCAL: must be one of process, in-process, got 'thread'",
        ),
    ],
)
def test_a_bad_local_server_mode_is_one_line(local, tmp_path, monkeypatch, file, env, line):
    run, data_dir = local
    monkeypatch.delenv("MARQUEE_SERVER_LOCAL")  # the environment would win over the file
    (tmp_path / "config.toml").write_text(file)
    result = run("movies", "list", **env)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (2, "", line)
    assert LocalServer(data_dir).status() is None
