"""The embedded server's files belong to the server that holds their lock: a damaged or
stale ``server.json`` is recovered from without a traceback, a second server on the same
files cannot start, and no pid read from a file is signalled unless it is that server.

No test here risks another process: the pids that must survive are harmless ``sleep``
children, and pids like -1 and 0 only ever reach a recording stand-in for ``os.kill``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import StorageError
from core.lease import server as lease_server
from core.processes import pid_alive, process_args, process_start, valid_pid
from core.repo.embedded import SERVER_MODULE, EmbeddedServer
from core.repo.embedded_files import ServerState

pytestmark = pytest.mark.embedded_only  # about the embedded server itself

ROOT = Path(__file__).resolve().parents[1]
REAL_KILL = os.kill
NO_SOCKET = "/nonexistent/marquee/mongod.sock"  # nothing listens there


@pytest.fixture
def data_dir(environment, monkeypatch, tmp_path):
    """The test's data dir, in embedded mode (no MARQUEE_MONGO_URI)."""
    monkeypatch.delenv("MARQUEE_MONGO_URI")
    path = Path(environment["MARQUEE_DATA_DIR"])
    (path / "embedded").mkdir(parents=True)
    yield path
    server = EmbeddedServer(path, lock_timeout_s=5)
    if server.paths.server_running():
        server.stop(force=True)


@pytest.fixture
def run(capsys):
    """``marquee ARGS`` in-process; (exit code, stdout, stderr)."""
    from console import context
    from console.cli import main as cli_main

    def run_(*args: str) -> tuple[int, str, str]:
        context.reset()
        capsys.readouterr()
        code = cli_main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield run_
    context.reset()


@pytest.fixture
def sleeper():
    """An unrelated, harmless process of ours."""
    process = subprocess.Popen(["sleep", "60"])
    yield process
    REAL_KILL(process.pid, signal.SIGKILL)  # os.kill may be the recording stand-in now
    process.wait()


@pytest.fixture
def kills(monkeypatch):
    """Every os.kill call, recorded; only a liveness probe (signal 0) of a real pid is sent."""
    calls: list[tuple[int, int]] = []

    def recording_kill(pid: int, sig: int) -> None:
        calls.append((pid, sig))
        if sig == 0 and pid > 1:
            REAL_KILL(pid, sig)

    monkeypatch.setattr(os, "kill", recording_kill)
    return calls


def server_processes(data_dir: Path) -> list[int]:
    """Pids of embedded servers running on ``data_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            args = process_args(int(entry.name))
            if SERVER_MODULE in args and str(data_dir) in args and pid_alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def assert_calm(code: int, out: str, err: str) -> None:
    assert code == 0, err
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) <= 1, err


GARBAGE = [
    "123",
    "[1,2]",
    '{"pid":"abc"}',
    '{"pid":99999999999}',
    '{"pid": 12',
    '{"pid": -1, "socket": "/s", "started_at": 0, "proc_start": 0}',
    '{"pid": 0, "socket": "/s", "started_at": 0, "proc_start": 0}',
    '{"pid": 1, "socket": "/s", "started_at": 0, "proc_start": 0}',
    "\x00\xff not json",
]


@pytest.mark.parametrize("content", GARBAGE)
def test_a_damaged_state_file_with_no_server_is_stale_and_nothing_is_signalled(
    data_dir, run, kills, content
):
    (data_dir / "embedded" / "server.json").write_text(content)
    code, out, err = run("db", "status", "--json")
    assert_calm(code, out, err)
    assert json.loads(out)["running"] is False
    assert [call for call in kills if call[1] != 0 or call[0] <= 1] == []
    assert not (data_dir / "embedded" / "server.json").exists()


@pytest.mark.parametrize("with_socket", [False, True])
def test_a_live_unrelated_pid_in_the_state_file_is_never_signalled(
    data_dir, run, sleeper, with_socket
):
    state = {"pid": sleeper.pid, "started_at": time.time()}
    if with_socket:  # a socket nothing answers on, and the pid's real start time
        state |= {"socket": NO_SOCKET, "proc_start": process_start(sleeper.pid)}
    (data_dir / "embedded" / "server.json").write_text(json.dumps(state))
    for command in (("db", "status"), ("db", "stop", "--force")):
        assert_calm(*run(*command))
        assert sleeper.poll() is None, f"`marquee {' '.join(command)}` killed pid {sleeper.pid}"


def test_start_and_stop_recover_from_a_damaged_state_file(data_dir, run, sleeper):
    state = data_dir / "embedded" / "server.json"
    state.write_text(json.dumps({"pid": sleeper.pid, "socket": NO_SOCKET, "started_at": 0}))
    assert_calm(*run("db", "start"))
    [server] = server_processes(data_dir)
    state.write_text('{"pid": 12')  # damaged while the server runs: it says again where it is
    code, out, err = run("db", "status", "--json")
    assert_calm(code, out, err)
    assert json.loads(out)["pid"] == server
    assert_calm(*run("db", "stop"))
    assert server_processes(data_dir) == []
    assert sleeper.poll() is None


def test_a_stale_lock_file_is_no_obstacle(data_dir, run):
    lock = data_dir / "embedded" / "lock"
    lock.write_text("4242\n")  # left behind, even with a pid in it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()  # a process that died holding it
    holder.wait()
    code, out, err = run("db", "status", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["running"] is False


HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.timeout(60)
def test_a_command_waiting_for_the_lock_says_so_and_gives_up(data_dir, run, monkeypatch):
    monkeypatch.setenv("MARQUEE_EMBEDDED_LOCK_TIMEOUT_S", "2.5")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir / "embedded" / "lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, out, err = run("db", "status")
    finally:
        holder.kill()
        holder.wait()
    assert code == 3 and out == ""
    note, error = err.strip().splitlines()
    assert note.startswith("note: waiting for another Marquee process to let go of")
    assert error.startswith("error: gave up after 2.5 s waiting for")
    assert "Traceback" not in err


def test_garbage_in_the_state_file_never_lets_a_second_server_start(data_dir, run):
    server = EmbeddedServer(data_dir, lock_timeout_s=10)
    running = server.start_pinned()
    for content in ("123", '{"pid": 1, "socket": "/"}', "", "{"):
        server.paths.state.write_text(content)
        code, out, err = run("db", "status", "--json")
        assert_calm(code, out, err)
        shown = json.loads(out)
        assert (shown["running"], shown["pid"]) == (True, running.pid)
        # and the commands that start a server when none runs find this one
        assert server.acquire() == running.uri
        server.release()
    assert server_processes(data_dir) == [running.pid]


def test_a_second_server_on_the_same_files_refuses_to_start(data_dir):
    server = EmbeddedServer(data_dir, lock_timeout_s=10)
    running = server.start_pinned()
    server.paths.state.write_text("garbage")
    second = subprocess.run(
        [sys.executable, "-m", SERVER_MODULE, "--data-dir", str(data_dir), "--socket", NO_SOCKET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode != 0
    assert "another embedded server already uses" in second.stderr
    assert server_processes(data_dir) == [running.pid]
    assert server.status().pid == running.pid  # and it still answers


def test_a_stuck_server_is_ended_only_when_proven_to_be_ours(data_dir, sleeper, kills, monkeypatch):
    """A server that does not go when asked is killed only if its pid is shown to be this
    data dir's server: a pid whose start time matches but whose command line does not
    (or the reverse) is refused, and nothing is signalled."""
    server = EmbeddedServer(data_dir)
    monkeypatch.setattr(server.paths, "server_running", lambda: True)  # it never goes
    impostor = ServerState(sleeper.pid, NO_SOCKET, time.time(), process_start(sleeper.pid))
    for state in (impostor, ServerState(sleeper.pid, NO_SOCKET, time.time(), 12345)):
        with pytest.raises(StorageError, match="cannot be shown to be its server"):
            server._end(state, 0.1)
    assert [call for call in kills if call[1] != 0] == []
    assert not server.paths.stop_request.exists()


def test_a_server_stops_when_asked_without_any_signal(data_dir, run, kills, monkeypatch):
    """Where processes cannot be inspected (no /proc) a server still stops: it is asked."""
    server = EmbeddedServer(data_dir, linger_s=60)
    running = server.start_pinned()
    monkeypatch.setattr(lease_server, "process_start", lambda pid: None)
    kills.clear()
    assert_calm(*run("db", "stop"))
    assert server_processes(data_dir) == [] and server.status() is None
    assert [call for call in kills if call[1] != 0] == [], running.pid


def test_pids_that_are_not_one_process_are_never_alive_or_valid():
    for pid in (-1, 0, 1, True, 99999999999, "12", None, 2.5):
        assert not valid_pid(pid)
        assert not pid_alive(pid)
    assert valid_pid(os.getpid()) and pid_alive(os.getpid())


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(["pid", "socket", "started_at", "proc_start", "x"]), children
            )
        ),
        max_leaves=8,
    )
)
def test_any_json_in_the_state_file_parses_to_nothing_or_a_sane_state(data):
    state = ServerState.parse(json.dumps(data))
    if state is not None:
        assert valid_pid(state.pid) and state.socket.startswith("/")


def test_a_lock_file_that_cannot_be_opened_is_one_clear_error(data_dir, run):
    lock = data_dir / "embedded" / "lock"
    lock.mkdir()
    code, out, err = run("db", "status")
    assert code == 3 and out == ""
    assert err.startswith("error: cannot open") and len(err.strip().splitlines()) == 1
