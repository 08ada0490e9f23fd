"""The process's database handle finds the server again when it comes back elsewhere."""

from __future__ import annotations

import socket
import threading

import pytest
from pymongo.errors import ConnectionFailure

from core.bootstrap import open_box_office
from core.errors import StorageError
from core.repo.client import connect
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor


@pytest.fixture
def own_config(config, tmp_path):
    """Embedded mode on a data dir of the test's own, with short waits."""
    data_dir = tmp_path / "own-data"
    yield config.with_overrides(
        mongo={"uri": "", "connect_timeout_s": 1.0},
        data={"dir": str(data_dir)},
        embedded={"linger_s": 0.2},
    )
    EmbeddedServer(data_dir).stop(force=True)


def test_after_a_restart_on_another_port_the_next_operation_reaches_the_new_server(own_config):
    connection = connect(own_config)
    things = connection.database["things"]
    things.insert_one({"_id": "kept"})
    server = EmbeddedServer(own_config.data_dir)
    before = server.status()
    server.stop(force=True)
    with socket.create_server(("127.0.0.1", before.port)):  # someone else has the old port
        after = server.start_pinned()
        with pytest.raises(ConnectionFailure):
            things.find_one({"_id": "kept"})  # in flight when the server went: it fails
        assert things.find_one({"_id": "kept"}) == {"_id": "kept"}
    assert after.port != before.port
    assert connection.holder.uri == after.uri
    connection.close()


def test_a_process_whose_server_went_away_starts_it_again(own_config):
    """Nobody restarted it: the next use (here a health check) does, as a lease-holder."""
    office = open_box_office(own_config)
    server = EmbeddedServer(own_config.data_dir)
    gone = server.stop(force=True)
    assert not office.healthy()  # the outage is seen at once
    assert office.healthy()  # and the next look starts the server again
    assert server.status().pid != gone.pid
    assert office.catalog.movies(Actor.local_admin()) == []
    office.close()


def test_a_failure_marks_the_client_stale_and_an_unmoved_server_keeps_its_client(box_office):
    holder = box_office.connection.holder
    looked = []
    locate = holder._locate
    holder._locate = lambda: looked.append(1) or locate()
    client = holder.client
    assert not holder.stale
    holder.failed()
    collection = box_office.connection.database["movies"]
    assert collection.count_documents({}) == 0
    assert looked == [1] and not holder.stale
    assert holder.client is client  # same address: same client, no reconnect


def test_a_moved_server_gets_a_new_client_and_collections_follow(box_office):
    holder = box_office.connection.holder
    movies = box_office.connection.database["movies"]
    movies.insert_one({"_id": "m"})
    old_client, old_uri = holder.client, holder.uri
    moved = old_uri + "&appname=moved"  # the same server under another address
    holder._locate = lambda: moved
    holder.failed()
    assert movies.find_one({"_id": "m"}) == {"_id": "m"}
    assert holder.uri == moved and holder.client is not old_client
    with pytest.raises(Exception, match="after close"):
        old_client.admin.command("ping")  # the old one was closed


def test_while_the_server_cannot_be_found_the_client_stays_stale(box_office):
    holder = box_office.connection.holder
    locate = holder._locate

    def not_yet() -> str:
        holder._locate = locate  # found the next time
        raise StorageError("the embedded database did not start")

    holder._locate = not_yet
    holder.failed()
    assert not box_office.healthy() and holder.stale
    assert box_office.healthy() and not holder.stale


def test_threads_that_find_the_client_stale_look_for_the_server_once(box_office):
    holder = box_office.connection.holder
    release = threading.Event()
    calls = []
    locate = holder._locate

    def slow_locate() -> str:
        calls.append(1)
        release.wait(10)
        return locate()

    holder._locate = slow_locate
    holder.failed()
    threads = [threading.Thread(target=lambda: holder.client) for _ in range(4)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert calls == [1]
