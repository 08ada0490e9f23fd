"""Retried writes: the same Idempotency-Key answers the first answer again without
running the operation again; another body under the same key is refused."""

from __future__ import annotations

import datetime as dt
import json
import threading

import httpx
import pytest
from api_support import app_of, set_up
from booking_support import sold_seats
from pymongo.errors import AutoReconnect
from starlette.testclient import TestClient

from client.remote import RemoteBoxOffice
from core.records import SaleOrder
from core.repo.idempotency import COLLECTION
from core.seat_map import SeatState
from core.services.access import Actor
from server import idempotency
from server.idempotency import LEASE, Answer, Idempotency

SELL = "/api/v1/sales/sell"
ADMIN = Actor.local_admin()


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def charges(box_office) -> int:
    return sum(
        1 for b in box_office.store.bookings.find({}) for m in b.payments if m.kind == "payment"
    )


def test_a_retried_sale_answers_the_same_booking_and_charges_once(box_office, app):
    hall, manager, staff = set_up(app)
    http = TestClient(app)
    headers = {"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "sale-0001"}
    order = {
        "order": {"showtime_id": hall.showtime_id, "seat_ids": ["B1", "B2"], "pay": "simulated"}
    }

    first = http.post(SELL, json=order, headers=headers)
    again = http.post(SELL, json=order, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert charges(box_office) == 1
    assert set(sold_seats(box_office, hall.showtime_id)) == {"B1", "B2"}

    other = {"order": order["order"] | {"seat_ids": ["B3"]}}
    reused = http.post(SELL, json=other, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert charges(box_office) == 1
    assert "B3" not in sold_seats(box_office, hall.showtime_id)


def test_a_refusal_is_answered_again_too(box_office, app):
    hall, manager, staff = set_up(app)
    http = TestClient(app)
    headers = {"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "refused-1"}
    order = {"order": {"showtime_id": hall.showtime_id, "seat_ids": ["Z9"], "pay": "simulated"}}

    first = http.post(SELL, json=order, headers=headers)
    again = http.post(SELL, json=order, headers=headers)

    assert first.status_code == again.status_code and first.status_code >= 400
    assert again.json() == first.json()


def test_the_same_key_from_another_caller_is_another_request(box_office, app):
    hall, manager, staff = set_up(app)
    http = TestClient(app)
    order = {"order": {"showtime_id": hall.showtime_id, "seat_ids": ["B5"], "pay": "simulated"}}
    staff_sale = http.post(
        SELL,
        json=order,
        headers={"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "k-42"},
    )
    assert staff_sale.status_code == 200
    manager_sale = http.post(
        SELL,
        json=order,
        headers={"Authorization": f"Bearer {manager.token}", "Idempotency-Key": "k-42"},
    )
    assert manager_sale.json()["error"]["code"] == "seats_taken"  # it ran, and found B5 sold


def test_concurrent_duplicates_run_once(box_office, app):
    """Two copies of one request at once: one runs, the other answers what it answered."""
    hall, manager, staff = set_up(app)
    headers = {"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "twins-01"}
    order = {
        "order": {"showtime_id": hall.showtime_id, "seat_ids": ["B6", "B7"], "pay": "simulated"}
    }
    answers = []
    start = threading.Barrier(2)

    def send():
        http = TestClient(app)
        start.wait()
        answers.append(http.post(SELL, json=order, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert charges(box_office) == 1
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([200, 200], [200, 409])
    bodies = [a.json() for a in answers if a.status_code == 200]
    assert all(body == bodies[0] for body in bodies)


def test_the_client_sends_a_key_with_every_write_and_keeps_it_on_retry(box_office, app):
    """A write whose answer was lost is sent again with the same key: sold once."""
    hall, manager, staff = set_up(app)
    http = TestClient(app, raise_server_exceptions=False)
    sent = []

    class LosesTheFirstAnswer:
        def handle_request(self, request):
            sent.append(request.headers.get("idempotency-key"))
            response = http._transport.handle_request(request)
            if len(sent) == 1:
                response.read()
                raise httpx.ReadError("connection reset")
            return response

    flaky = httpx.Client(base_url="http://marquee.local", transport=LosesTheFirstAnswer())
    remote = RemoteBoxOffice("http://marquee.local", token=staff.token, http=flaky)
    sale = remote.sales.sell(None, SaleOrder(hall.showtime_id, ("A3", "A4"), "simulated"))

    assert len(sent) == 2 and sent[0] == sent[1] and sent[0]
    assert sale.booking.state == "confirmed"
    assert charges(box_office) == 1


def test_a_sale_whose_server_stopped_before_answering_is_answered_on_retry(
    box_office, app, monkeypatch
):
    """The server sold, then lost the database before it kept its answer: the caller
    still hears the sale (it happened), and a retry after the claim's lease runs again
    and the sale (keyed by the request's key) answers the booking already made,
    charged once."""
    hall, manager, staff = set_up(app)
    http = TestClient(app, raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "lost-answer-1"}
    order = {"order": {"showtime_id": hall.showtime_id, "seat_ids": ["B5"], "pay": "simulated"}}
    repository = type(box_office.store.idempotency)

    def lost(*args, **kwargs):
        raise AutoReconnect("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(repository, "answer", lost)
        first = http.post(SELL, json=order, headers=headers)
    assert first.status_code == 200, first.text
    assert charges(box_office) == 1
    lease_over = dt.datetime.now(dt.UTC) - LEASE - dt.timedelta(seconds=1)
    box_office.store.database[COLLECTION].update_many({}, {"$set": {"claimed_at": lease_over}})

    retry = http.post(SELL, json=order, headers=headers)

    assert retry.status_code == 200, retry.text
    assert retry.json()["booking"]["seats"][0]["seat_id"] == "B5"
    assert charges(box_office) == 1
    [booking] = box_office.store.bookings.find({})
    assert retry.json()["booking"]["reference"] == booking.reference
    assert first.json()["booking"]["reference"] == booking.reference


def test_holding_seats_again_changes_nothing_and_keeps_no_key(box_office, app):
    """A hold is repeatable: sent twice (a retry after a lost answer) it holds the same
    seats once, and no idempotency record is written for it."""
    hall, _manager, staff = set_up(app)
    basket = staff.booking.new_basket(None, hall.showtime_id, "counter")
    http = TestClient(app)
    headers = {"Authorization": f"Bearer {staff.token}"}
    body = {"basket_id": basket.id, "seat_ids": ["B1", "B2"]}
    before = box_office.store.database[COLLECTION].count_documents({})
    answers = [http.post("/api/v1/booking/hold", json=body, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["seats"] for a in answers] == [["B1", "B2"], ["B1", "B2"]]
    assert box_office.store.database[COLLECTION].count_documents({}) == before
    seat_map = box_office.inventory.seat_map(ADMIN, hall.showtime_id, answers[1].json()["hold_id"])
    assert seat_map.count(SeatState.MINE) == 2
    assert {seat_map.state("B1"), seat_map.state("B2")} == {SeatState.MINE}


def test_a_new_basket_asked_again_with_its_key_is_the_same_basket(box_office, app):
    """A basket is named by its caller's key: a retry after a lost answer finds the
    basket the first request opened (no second one, no idempotency record); another
    caller's same key opens its own; the key sent for another sale is refused."""
    hall, manager, staff = set_up(app)
    http = TestClient(app)
    new_basket = "/api/v1/booking/new_basket"
    body = {"showtime_id": hall.showtime_id, "channel": "counter"}
    records = box_office.store.database[COLLECTION].count_documents({})
    baskets = box_office.store.database["baskets"].count_documents({})

    def ask(client, key: str, sent: dict = body) -> httpx.Response:
        headers = {"Authorization": f"Bearer {client.token}", "Idempotency-Key": key}
        return http.post(new_basket, json=sent, headers=headers)

    first, again = ask(staff, "basket-1"), ask(staff, "basket-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert box_office.store.database["baskets"].count_documents({}) == baskets + 1
    assert box_office.store.database[COLLECTION].count_documents({}) == records

    theirs = ask(manager, "basket-1")
    assert theirs.status_code == 200 and theirs.json()["id"] != first.json()["id"]

    reused = ask(staff, "basket-1", body | {"channel": "kiosk"})
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert ask(staff, "bad\x01key").status_code == 400
    assert box_office.store.database["baskets"].count_documents({}) == baskets + 2


class Killed(BaseException):
    """The server's process ends in the middle of a request."""


def test_a_request_left_by_a_server_that_stopped_beating_is_run_by_the_retry(
    box_office, monkeypatch
):
    """Server A claims a sale and dies before answering. A retry at server B waits
    while A still beats, and runs the sale itself once A has been silent too long,
    instead of refusing until the three-minute lease ends."""
    repository = box_office.store.idempotency
    first, other = Idempotency(repository, server="a"), Idempotency(repository, server="b")
    monkeypatch.setattr(first, "_forget", lambda *args: None)  # a dead process cleans nothing
    first.beat()

    def dies() -> Answer:
        raise Killed

    with pytest.raises(Killed):
        first.run("kiosk:1", "sale-1", "sales.sell", b"{}", dies)
    monkeypatch.setattr(idempotency, "DEAD_WAIT_S", 0.3)
    ran = []

    def sells() -> Answer:
        ran.append(True)
        return 200, b'{"sold": true}'

    status, body = other.run("kiosk:1", "sale-1", "sales.sell", b"{}", sells)
    assert status == 409
    assert json.loads(body)["error"] == {
        "code": "request_in_progress",
        "message": "this is still being done; try again in a moment",
        "details": {},
    }
    assert ran == []  # A still beats: its request may yet answer

    silent = dt.datetime.now(dt.UTC) - idempotency.SILENT_FOR - dt.timedelta(seconds=1)
    repository.beat("a", silent)
    assert other.run("kiosk:1", "sale-1", "sales.sell", b"{}", sells) == (200, b'{"sold": true}')
    assert ran == [True]
    assert repository.get("kiosk:1", "sale-1").claimed_by == "b"
    # The answer is kept: one more retry hears it without selling again.
    assert first.run("kiosk:1", "sale-1", "sales.sell", b"{}", sells) == (200, b'{"sold": true}')
    assert ran == [True]
