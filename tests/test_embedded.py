"""The embedded server is shared by processes, never orphaned, never stopped under a user."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_support import wait_until

from core.errors import StorageError
from core.processes import pid_alive
from core.repo.embedded import EmbeddedServer

pytestmark = pytest.mark.embedded_only  # about the embedded server itself

ROOT = Path(__file__).resolve().parents[1]
LINGER = 0.3

# A Marquee process that leases the server, prints its URI and waits until told to go.
CLIENT = f"""
import sys
from pathlib import Path
from core.repo.embedded import EmbeddedServer
server = EmbeddedServer(Path(sys.argv[1]), linger_s={LINGER})
print(server.acquire(), flush=True)
sys.stdin.readline()
server.release()
"""


def start_client(data_dir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    uri = process.stdout.readline().strip()
    assert uri.startswith("mongodb://%2F"), uri  # a Unix socket
    return process, uri


def finish(process: subprocess.Popen) -> None:
    process.stdin.write("\n")
    process.stdin.flush()
    process.wait(timeout=10)


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    status = EmbeddedServer(tmp_path).status()
    if status is not None:
        os.kill(status.pid, signal.SIGKILL)


def test_a_second_process_reuses_the_running_server(data_dir):
    first, uri_one = start_client(data_dir)
    second, uri_two = start_client(data_dir)
    status = EmbeddedServer(data_dir).status()
    assert uri_one == uri_two == status.uri
    assert set(status.clients) == {first.pid, second.pid}
    finish(first)
    time.sleep(LINGER * 4)
    assert EmbeddedServer(data_dir).status() is not None, "stopped under the second process"
    finish(second)
    assert wait_until(lambda: not pid_alive(status.pid)), "server left running with no client"
    assert EmbeddedServer(data_dir).status() is None


def test_a_crashed_client_does_not_leave_the_server_orphaned(data_dir):
    client, _ = start_client(data_dir)
    server_pid = EmbeddedServer(data_dir).status().pid
    client.kill()
    client.wait()
    assert wait_until(lambda: not pid_alive(server_pid))


def test_stop_is_refused_while_in_use_and_forced_on_request(data_dir):
    client, _ = start_client(data_dir)
    admin = EmbeddedServer(data_dir)
    with pytest.raises(StorageError, match="in use by 1 process"):
        admin.stop()
    assert admin.status() is not None
    stopped = admin.stop(force=True)
    assert not pid_alive(stopped.pid)
    finish(client)


def test_a_pinned_server_outlives_its_clients_until_stopped(data_dir):
    admin = EmbeddedServer(data_dir, linger_s=LINGER)
    pinned = admin.start_pinned()
    client, uri = start_client(data_dir)
    assert uri == pinned.uri
    finish(client)
    time.sleep(LINGER * 4)
    assert admin.status().pid == pinned.pid
    admin.stop()
    assert not pid_alive(pinned.pid)
    assert admin.status() is None


def test_data_lives_in_the_data_dir_and_survives_a_restart(data_dir):
    from pymongo import MongoClient

    server = EmbeddedServer(data_dir, linger_s=LINGER)
    client = MongoClient(server.acquire())
    client.keep.things.insert_one({"_id": "kept"})
    client.close()
    server.release()
    server.stop(force=True)
    assert any((data_dir / "db").iterdir())
    client = MongoClient(server.acquire())
    assert client.keep.things.find_one({"_id": "kept"}) == {"_id": "kept"}
    client.close()
    server.release()


def test_a_server_whose_data_dir_is_removed_stops_instead_of_running_unreachable(data_dir):
    server = EmbeddedServer(data_dir / "gone", linger_s=LINGER)
    pinned = server.start_pinned()
    shutil.rmtree(data_dir / "gone")
    assert wait_until(lambda: not pid_alive(pinned.pid))
