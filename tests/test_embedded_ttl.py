"""The embedded server sweeps expired documents once a minute per collection, as
MongoDB's TTL monitor does, not before every read of the collection."""

from __future__ import annotations

import datetime as dt

import pytest
from neosqlite import Connection
from pymongo import ASCENDING

from core.repo.embedded_ttl import sweep_at_most_every

PAST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    now = [0.0]
    undo = sweep_at_most_every(60.0, clock=lambda: now[0])
    yield now
    undo()


def test_a_collection_is_swept_at_most_once_a_minute(tmp_path, clock):
    """Before a read or an insert, once a minute per collection: a record written often
    and never read (an idempotency answer) goes too."""
    with Connection(str(tmp_path / "ttl.db")) as engine:
        baskets = engine["baskets"]
        baskets.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        baskets.insert_one({"_id": "a", "expires_at": PAST})  # swept just before
        clock[0] = 59.0
        assert baskets.find_one({"_id": "a"}) is not None  # swept a minute ago: not again
        assert baskets.count_documents({}) == 1
        clock[0] = 60.0
        assert baskets.find_one({"_id": "a"}) is None  # a minute on: swept again

        baskets.insert_one({"_id": "c", "expires_at": PAST})  # written, never read
        clock[0] = 120.0
        baskets.insert_one({"_id": "d", "expires_at": PAST + dt.timedelta(days=36500)})
        assert baskets.find_one({"_id": "c"}) is None  # the insert swept it
        assert baskets.find_one({"_id": "d"}) is not None

        sessions = engine["sessions"]  # on a minute of its own
        sessions.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        sessions.insert_one({"_id": "s", "expires_at": PAST})
        assert sessions.find_one({"_id": "s"}) is not None
        clock[0] = 180.0
        assert sessions.find_one({"_id": "s"}) is None


@pytest.mark.embedded_only
def test_the_embedded_server_does_not_sweep_before_every_read(box_office):
    baskets = box_office.store.database["baskets"]
    assert baskets.find_one({"_id": "none"}) is None  # this collection's first sweep
    baskets.insert_one({"_id": "expired", "expires_at": PAST})
    assert baskets.find_one({"_id": "expired"}) is not None
    assert baskets.find_one({"_id": "expired"}) is not None
