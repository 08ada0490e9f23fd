"""One idempotent step that creates every collection's indexes."""

from __future__ import annotations

import contextlib

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import CollectionInvalid

from core.repo import reports

INDEXES: dict[str, list[IndexModel]] = {
    "movies": [IndexModel([("title", ASCENDING)]), IndexModel([("genres", ASCENDING)])],
    "theaters": [IndexModel([("name", ASCENDING)])],
    "auditoriums": [IndexModel([("theater_id", ASCENDING), ("name", ASCENDING)], unique=True)],
    "showtimes": [
        IndexModel([("auditorium_id", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("theater_id", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("movie_id", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("starts_at", ASCENDING)]),
    ],
    "price_cards": [],
    # Keyed by "<showtime>:<row>": claims and sales go by _id, seat maps by showtime.
    "seat_rows": [IndexModel([("showtime_id", ASCENDING)])],
    "bookings": [
        IndexModel([("reference", ASCENDING)], unique=True),
        IndexModel([("showtime_id", ASCENDING), ("state", ASCENDING)]),
        IndexModel([("state", ASCENDING), ("created_at", ASCENDING)]),
        IndexModel([("contact.email", ASCENDING)]),
        IndexModel([("contact.phone", ASCENDING)]),
        IndexModel([("customer_id", ASCENDING)]),
        IndexModel([("hold_id", ASCENDING)]),  # a sale retried under its key
        IndexModel([("payments.shift_id", ASCENDING)]),
        IndexModel([("line_due", ASCENDING)]),  # bookings whose sales line is due
    ],
    "users": [IndexModel([("login", ASCENDING)], unique=True)],
    # Checked by _id (the token's jti) on every request; the TTL drops ended sessions.
    "sessions": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        IndexModel([("user_id", ASCENDING)]),
        IndexModel([("device_id", ASCENDING)]),
    ],
    # One document per client address and window, by _id; the TTL drops past windows.
    "signin_failures": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)],
    # A device is found by the hash of its token on every request.
    "devices": [
        IndexModel([("token_hash", ASCENDING)]),
        IndexModel([("pairing_hash", ASCENDING)]),
        IndexModel([("theater_id", ASCENDING), ("name_key", ASCENDING)], unique=True),
    ],
    # Read and saved by _id; the TTL drops a basket a while after its hold lapsed.
    "baskets": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)],
    "audit": [
        IndexModel([("at", ASCENDING)]),
        IndexModel([("user", ASCENDING), ("at", ASCENDING)]),
    ],
    # One open shift per drawer and per person: see core.models.CashShift.
    "cash_shifts": [
        IndexModel([("drawer_lock", ASCENDING)], unique=True),
        IndexModel([("staff_lock", ASCENDING)], unique=True),
        IndexModel([("staff", ASCENDING), ("opened_at", ASCENDING)]),
        IndexModel([("opened_at", ASCENDING)]),
    ],
    "promos": [IndexModel([("code", ASCENDING)], unique=True)],
    "approvals": [IndexModel([("state", ASCENDING), ("requested_at", ASCENDING)])],
    "extras": [IndexModel([("kind", ASCENDING), ("name", ASCENDING)])],
    # _id is the ticket id: the unique _id index is what admits a ticket once.
    "admissions": [IndexModel([("showtime_id", ASCENDING), ("at", ASCENDING)])],
    # _id is derived from the message's cause: inserting it twice keeps one.
    "outbox": [
        IndexModel([("state", ASCENDING), ("due_at", ASCENDING)]),
        IndexModel([("state", ASCENDING), ("lease_until", ASCENDING)]),
        IndexModel([("booking_id", ASCENDING)]),
        IndexModel([("created_at", ASCENDING)]),
    ],
    # _id is the key id; one key per number of a purpose: two processes creating the
    # first (or next) key at once make one.
    "signing_keys": [IndexModel([("purpose", ASCENDING), ("seq", ASCENDING)], unique=True)],
    # _id names the caller and the key; the TTL forgets answers after a day.
    "idempotency": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)],
    # A running server's note that it is alive, by _id; the TTL drops those long gone.
    "server_beats": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)],
    reports.COLLECTION: reports.INDEXES,
    reports.EXTRAS_COLLECTION: reports.EXTRAS_INDEXES,
    reports.SEATS_COLLECTION: reports.SEATS_INDEXES,
}


def ensure_indexes(database: Database) -> None:
    existing = set(database.list_collection_names())
    for name, indexes in INDEXES.items():
        if name not in existing:
            with contextlib.suppress(CollectionInvalid):  # another process was first
                database.create_collection(name, check_exists=False)
        if indexes:
            database[name].create_indexes(indexes)
