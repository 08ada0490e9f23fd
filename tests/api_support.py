"""Helpers for the API tests: the real app over the test's box office, clients of it
(in-process, or over a real socket), and a hall with a showtime about to start."""

from __future__ import annotations

import datetime as dt

from booking_support import LAYOUT, make_hall

from client.remote import RemoteBoxOffice
from core.services.access import Actor
from server.app import create_app

LOCAL_TOKEN = "mql_" + "t" * 43
ADMIN = ("ada", "lighthouse keeper tea")
MANAGER = ("mia", "correct horse battery")
STAFF = ("sam", "staple gun lantern")


def app_of(box_office):
    return create_app(box_office, token=LOCAL_TOKEN)


def terminal_client(box_office, kind: str, theater: str | None = None) -> RemoteBoxOffice:
    """A terminal of ``kind`` on the test's box office, as it runs: a client of the real
    app (in-process) with a device token of its own, made with the local token."""
    app = app_of(box_office)
    owner = RemoteBoxOffice.in_process(app, LOCAL_TOKEN)
    device = owner.local_device(kind, theater)
    return RemoteBoxOffice.in_process(app, device.token)


def soon() -> dt.datetime:
    """A start the doors are already open for (so a ticket scans ADMIT now)."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    return now + dt.timedelta(minutes=20)


def set_up(app=None, connect=None, local_token: str = LOCAL_TOKEN):
    """A hall with a showtime about to start and a manager and a staff member, made
    through the API by the local admin; the manager's and the staff's clients.
    ``connect(token)`` makes a client (default: in-process, of ``app``)."""
    if connect is None:

        def connect(token):
            return RemoteBoxOffice.in_process(app, token=token)

    owner = connect(local_token)
    admin = Actor.local_admin()  # the face's actor argument; the server ignores it
    hall = make_hall(owner, admin, LAYOUT, starts_at=soon())
    owner.auth.add_user(admin, ADMIN[0], "Ada", "admin", ADMIN[1])
    owner.sign_in(*ADMIN)  # the local token is worth nothing once accounts exist
    owner.auth.add_user(admin, MANAGER[0], "Mia", "manager", MANAGER[1], [hall.theater.id])
    owner.auth.add_user(admin, STAFF[0], "Sam", "staff", STAFF[1], [hall.theater.id])
    manager = connect(None)
    manager.sign_in(*MANAGER)
    staff = connect(None)
    staff.sign_in(*STAFF)
    return hall, manager, staff


def counts(box_office) -> dict[str, int]:
    """Documents per collection: what a refused request must leave as it was."""
    database = box_office.store.database
    return {
        name: database[name].count_documents({})
        for name in database.list_collection_names()
        if name != "idempotency"
    }
