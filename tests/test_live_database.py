"""The process's database handle finds the server again when it comes back."""

from __future__ import annotations

import threading
import time
from contextlib import suppress

import pytest
from pymongo.errors import ConnectionFailure
from restart_support import restarted

from core.bootstrap import open_box_office
from core.errors import StorageError
from core.repo.client import connect
from core.repo.embedded import EmbeddedServer
from core.services.access import Actor


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(condition())


@pytest.fixture
def own_config(own_embedded):
    return own_embedded[0]


def test_after_a_restart_the_next_operation_reaches_the_new_server(own_config):
    connection = connect(own_config)
    things = connection.database["things"]
    things.insert_one({"_id": "kept"})
    with restarted(EmbeddedServer(own_config.data_dir)) as (_, after):
        with suppress(ConnectionFailure):  # unless the driver saw the server go already,
            things.find_one({"_id": "kept"})  # the first try fails
        assert things.find_one({"_id": "kept"}) == {"_id": "kept"}
    assert connection.holder.uri == after.uri
    connection.close()


def test_the_notify_worker_carries_on_after_the_database_restarts(own_config):
    box_office = open_box_office(own_config)
    seen: list[str] = []  # "round" or "error", in order
    stop = threading.Event()
    worker = threading.Thread(
        target=box_office.notify.work,
        args=(Actor.local_admin(), stop),
        kwargs={
            "interval_s": 0.05,
            "on_round": lambda report: seen.append("round"),
            "on_error": lambda error: seen.append("error"),
        },
    )
    worker.start()
    try:
        assert wait_for(lambda: "round" in seen)
        with restarted(EmbeddedServer(own_config.data_dir)):
            # The driver may meet the lost server ("error") or reconnect unseen.
            back = len(seen)
            assert wait_for(lambda: "round" in seen[back:])
        assert worker.is_alive()
    finally:
        stop.set()
        worker.join(10)
        box_office.close()


def test_a_process_whose_server_went_away_starts_it_again(own_config):
    """Nobody restarted it: the next use (here a health check) does, as a lease-holder."""
    box_office = open_box_office(own_config)
    server = EmbeddedServer(own_config.data_dir)
    gone = server.stop(force=True)
    assert not box_office.healthy()  # the outage is seen at once
    assert box_office.healthy()  # and the next look starts the server again
    assert server.status().pid != gone.pid
    assert box_office.catalog.movies(Actor.local_admin()) == []
    box_office.close()


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
