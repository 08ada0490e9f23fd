"""Sign-in and sign-out through the API, the local-setup rule, health, settings and
the OpenAPI document."""

from __future__ import annotations

import pytest
from api_support import LOCAL_TOKEN, MANAGER, app_of, set_up
from starlette.testclient import TestClient

from client.remote import RemoteBoxOffice
from core.errors import SessionInvalid, SignInFailed, TooManySignIns


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def test_sign_in_answers_a_token_and_who_it_is(app):
    hall, manager, staff = set_up(app)
    answer = TestClient(app).post(
        "/api/v1/sessions", json={"login": MANAGER[0], "password": MANAGER[1]}
    )
    assert answer.status_code == 200
    session = answer.json()
    assert session["role"] == "manager" and session["theaters"] == [hall.theater.id]
    assert session["token"] and session["expires_at"]
    assert "password_hash" not in answer.text


def test_a_wrong_password_is_refused_with_the_cli_line(app):
    set_up(app)
    with pytest.raises(SignInFailed) as refused:
        RemoteBoxOffice.in_process(app).sign_in(MANAGER[0], "wrong")
    assert str(refused.value).startswith("sign-in failed: wrong name or password")


def test_signing_out_refuses_the_old_token_at_once(box_office, app):
    hall, manager, staff = set_up(app)
    token = staff.token
    assert RemoteBoxOffice.in_process(app, token=token).me().subject == "sam"
    staff.sign_out()
    again = RemoteBoxOffice.in_process(app, token=token)
    with pytest.raises(SessionInvalid, match="signed out"):
        again.me()
    with pytest.raises(SessionInvalid):
        again.booking.new_basket(None, hall.showtime_id, "counter")
    assert staff.token is None and staff.me().role == "public"


def test_a_renewed_token_replaces_the_old_one(app):
    hall, manager, staff = set_up(app)
    old = staff.token
    answer = TestClient(app).post(
        "/api/v1/sessions/current/renew", headers={"Authorization": f"Bearer {old}"}
    )
    assert answer.status_code == 200, answer.text
    renewed = answer.json()["token"]
    assert renewed != old
    assert RemoteBoxOffice.in_process(app, token=renewed).me().subject == "sam"
    with pytest.raises(SessionInvalid):
        RemoteBoxOffice.in_process(app, token=old).me()


def test_the_local_token_sets_up_an_empty_box_office_only(box_office, app):
    http = TestClient(app)
    local = {"Authorization": f"Bearer {LOCAL_TOKEN}"}
    assert http.get("/api/v1/me", headers=local).json()["role"] == "admin"
    wrong = {"Authorization": "Bearer mql_" + "x" * 43}
    assert http.get("/api/v1/me", headers=wrong).status_code == 401
    assert http.get("/api/v1/me").json()["role"] == "public"


def test_failed_sign_ins_from_one_address_wait_with_429(open_office):
    """The server passes the caller's address: failures from it are limited (here 3)."""
    box_office = open_office(auth={"max_failed_signins_per_client": 3})
    app = app_of(box_office)
    set_up(app)
    http = TestClient(app)  # one address
    wrong = {"login": MANAGER[0], "password": "not the password"}
    for _ in range(3):
        assert http.post("/api/v1/sessions", json=wrong).status_code == 401
    right = {"login": MANAGER[0], "password": MANAGER[1]}
    answer = http.post("/api/v1/sessions", json=right)  # waits too: no password is checked
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "too_many_sign_ins"
    remote = RemoteBoxOffice.in_process(app)  # another address: its own count
    for _ in range(3):
        with pytest.raises(SignInFailed):
            remote.sign_in(*wrong.values())
    with pytest.raises(TooManySignIns, match="wait"):
        remote.sign_in(*MANAGER)


def test_health_settings_and_the_openapi_document(box_office, app, monkeypatch):
    http = TestClient(app)
    health = http.get("/health")
    assert health.status_code == 200
    assert health.json()["database"] == "ok" and health.json()["version"]

    settings = RemoteBoxOffice.in_process(app).settings
    assert settings.currency == box_office.config.pricing.currency
    assert settings.hold_minutes_kiosk == box_office.config.booking.hold_minutes_kiosk
    assert "secret" not in http.get("/api/v1/settings").text.lower()

    schema = http.get("/openapi.json").json()
    assert schema["info"]["title"] == "Marquee box office"
    hold = schema["paths"]["/api/v1/booking/hold"]["post"]
    assert hold["tags"] == ["booking"]
    assert hold["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "BookingHoldIn"
    )
    answer = hold["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/Basket")
    assert "password_hash" not in schema["components"]["schemas"]["BookingHoldIn"]["properties"]
    assert "/api/v1/catalog/genres" in schema["paths"]

    monkeypatch.setattr(box_office, "healthy", lambda: False)
    down = http.get("/health")
    assert down.status_code == 503 and down.json()["database"] == "unavailable"
