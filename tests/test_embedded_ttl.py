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
    with Connection(str(tmp_path / "ttl.db")) as engine:
        baskets = engine["baskets"]
        baskets.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        baskets.insert_one({"_id": "a", "expires_at": PAST})
        assert baskets.find_one({"_id": "a"}) is None  # the first read sweeps

        baskets.insert_one({"_id": "b", "expires_at": PAST})
        clock[0] = 59.0
        assert baskets.find_one({"_id": "b"}) is not None  # swept a minute ago: not again
        assert baskets.count_documents({}) == 1

        clock[0] = 60.0
        assert baskets.find_one({"_id": "b"}) is None  # a minute on: swept again
        other = engine["sessions"]
        other.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        other.insert_one({"_id": "s", "expires_at": PAST})
        assert other.find_one({"_id": "s"}) is None  # each collection on its own minute


@pytest.mark.embedded_only
def test_the_embedded_server_does_not_sweep_before_every_read(box_office):
    baskets = box_office.store.database["baskets"]
    assert baskets.find_one({"_id": "none"}) is None  # this collection's first sweep
    baskets.insert_one({"_id": "expired", "expires_at": PAST})
    assert baskets.find_one({"_id": "expired"}) is not None
    assert baskets.find_one({"_id": "expired"}) is not None
