"""Refusals through the API: the right status, a stable code and one line, nothing
written; never a traceback."""

from __future__ import annotations

import logging

import pytest
from api_support import LOCAL_TOKEN, STAFF, app_of, counts, set_up
from starlette.testclient import TestClient

from core.errors import StorageError

HOLD = "/api/v1/booking/hold"
NEW_BASKET = "/api/v1/booking/new_basket"


@pytest.fixture
def app(box_office):
    return app_of(box_office)


@pytest.fixture
def ready(box_office, app):
    hall, manager, staff = set_up(app)
    http = TestClient(app, raise_server_exceptions=False)
    basket = staff.booking.new_basket(None, hall.showtime_id, "counter")
    return hall, staff, http, {"Authorization": f"Bearer {staff.token}"}, basket


def refused(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    message = error["message"]
    assert message and "\n" not in message and "Traceback" not in response.text
    return message


def test_bad_bodies_are_refused_with_one_line_and_nothing_written(box_office, ready):
    hall, staff, http, signed_in, basket = ready
    before = counts(box_office)
    post = http.post

    line = refused(
        post(
            HOLD,
            content=b'{"basket_id": ',
            headers=signed_in | {"content-type": "application/json"},
        ),
        422,
        "invalid_request",
    )
    assert line == "the request body is not valid JSON"
    line = refused(
        post(HOLD, json={"basket_id": basket.id, "seat_ids": "B1"}, headers=signed_in),
        422,
        "invalid_request",
    )
    assert line.startswith("seat_ids: ")
    line = refused(
        post(
            HOLD, json={"basket_id": basket.id, "seat_ids": ["B1"], "owner": "x"}, headers=signed_in
        ),
        422,
        "invalid_request",
    )
    assert line == "owner: unknown field"
    nested = {"order": {"showtime_id": hall.showtime_id, "seat_ids": ["B1"], "pay": "cash", "x": 1}}
    line = refused(
        post("/api/v1/sales/sell", json=nested, headers=signed_in), 422, "invalid_request"
    )
    assert line == "order.x: unknown field"
    line = refused(
        post(HOLD, json={"basket_id": basket.id}, headers=signed_in), 422, "invalid_request"
    )
    assert line.startswith("seat_ids: ")

    assert counts(box_office) == before
    assert staff.booking.basket(None, basket.id).seats == []


def test_a_huge_body_is_refused_before_it_is_read(box_office, ready):
    hall, staff, http, signed_in, basket = ready
    before = counts(box_office)
    huge = b'{"basket_id": "' + b"x" * (2 << 20) + b'", "seat_ids": []}'

    line = refused(
        http.post(HOLD, content=huge, headers=signed_in | {"content-type": "application/json"}),
        413,
        "too_large",
    )
    assert "larger than 1048576 bytes" in line

    def streamed():  # no Content-Length: counted as it arrives
        yield b'{"basket_id": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'", "seat_ids": []}'

    response = http.post(
        HOLD, content=streamed(), headers=signed_in | {"content-type": "application/json"}
    )
    refused(response, 413, "too_large")
    assert counts(box_office) == before


def test_callers_without_a_good_token_are_refused(box_office, ready):
    hall, staff, http, signed_in, basket = ready
    before = counts(box_office)
    body = {"showtime_id": hall.showtime_id, "channel": "counter"}

    line = refused(http.post(NEW_BASKET, json=body), 401, "permission_denied")
    assert line == "not allowed: sell"
    forged = staff.token[:-4] + ("AAAA" if not staff.token.endswith("AAAA") else "BBBB")
    line = refused(
        http.post(NEW_BASKET, json=body, headers={"Authorization": f"Bearer {forged}"}),
        401,
        "session_invalid",
    )
    assert "sign in again" in line
    refused(
        http.post(NEW_BASKET, json=body, headers={"Authorization": "Basic abc"}),
        401,
        "session_invalid",
    )
    device = {"Authorization": "Bearer mqd_0123456789"}  # no such device
    assert "pair it again" in refused(
        http.post(NEW_BASKET, json=body, headers=device), 401, "device_invalid"
    )
    # With accounts, the data dir's local token is worth no more than none at all.
    local = {"Authorization": f"Bearer {LOCAL_TOKEN}"}
    refused(http.post(NEW_BASKET, json=body, headers=local), 401, "permission_denied")
    assert http.get("/api/v1/me", headers=local).json()["role"] == "public"
    assert counts(box_office) == before


def test_a_staff_member_may_not_refund(box_office, ready):
    hall, staff, http, signed_in, basket = ready
    sale = http.post(
        "/api/v1/sales/sell",
        json={"order": {"showtime_id": hall.showtime_id, "seat_ids": ["B1"], "pay": "simulated"}},
        headers=signed_in,
    )
    assert sale.status_code == 200, sale.text
    reference = sale.json()["booking"]["reference"]
    before = counts(box_office)

    line = refused(
        http.post("/api/v1/aftersales/cancel", json={"reference": reference}, headers=signed_in),
        403,
        "permission_denied",
    )
    assert line.startswith("not allowed: ")
    assert counts(box_office) == before


def test_me_says_who_the_server_takes_the_caller_for(ready):
    hall, staff, http, signed_in, basket = ready
    me = http.get("/api/v1/me", headers=signed_in).json()
    assert me["user_id"]  # the account behind the session
    assert me == {
        "subject": STAFF[0],
        "role": "staff",
        "theaters": [hall.theater.id],
        "user_id": me["user_id"],
    }
    assert http.get("/api/v1/me").json()["role"] == "public"


def test_a_bug_answers_500_naming_the_log_entry_and_no_traceback(
    box_office, ready, monkeypatch, caplog
):
    hall, staff, http, signed_in, basket = ready

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(type(box_office.catalog), "genres", broken)
    with caplog.at_level(logging.ERROR, logger="marquee.server"):
        response = http.get("/api/v1/catalog/genres", headers=signed_in)
    line = refused(response, 500, "internal")
    assert line.startswith("internal error (logged as ") and "secret" not in response.text
    incident = line.removeprefix("internal error (logged as ").removesuffix(")")
    assert any(incident in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_database_outage_answers_503(box_office, ready, monkeypatch):
    hall, staff, http, signed_in, basket = ready

    def unavailable(*args, **kwargs):
        raise StorageError("the database is not answering")

    monkeypatch.setattr(type(box_office.catalog), "genres", unavailable)
    refused(http.get("/api/v1/catalog/genres", headers=signed_in), 503, "storage_error")


def test_an_unknown_path_is_a_json_404(ready):
    hall, staff, http, signed_in, basket = ready
    refused(http.get("/api/v1/nothing/here"), 404, "no_such_path")


def test_methods_without_a_caller_are_for_signed_in_callers(ready):
    hall, staff, http, signed_in, basket = ready
    refused(http.get("/api/v1/notify/providers"), 401, "permission_denied")
    assert http.get("/api/v1/notify/providers", headers=signed_in).status_code == 200
    assert http.get("/api/v1/auth/has_accounts").json() is True
