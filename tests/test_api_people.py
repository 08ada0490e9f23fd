"""Sign-in and sign-out through the API, the local-setup rule, health, settings and
the OpenAPI document."""

from __future__ import annotations

import inspect

import pytest
from api_support import LOCAL_TOKEN, MANAGER, app_of, set_up
from starlette.testclient import TestClient

from client.remote import RemoteBoxOffice
from core.errors import SessionInvalid, SignInFailed


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


def test_signing_out_ends_the_session_where_the_server_can(box_office, app):
    hall, manager, staff = set_up(app)
    token = staff.token
    staff.sign_out()
    revoked = getattr(box_office.auth, "sign_out", None) is not None
    again = RemoteBoxOffice.in_process(app, token=token)
    if revoked:
        with pytest.raises(SessionInvalid):
            again.me()
    else:  # sessions are not revocable yet: the caller is still the staff member
        assert again.me().subject == "sam"
    assert staff.token is None and staff.me().role == "public"


def test_the_local_token_sets_up_an_empty_box_office_only(box_office, app):
    http = TestClient(app)
    local = {"Authorization": f"Bearer {LOCAL_TOKEN}"}
    assert http.get("/api/v1/me", headers=local).json()["role"] == "admin"
    wrong = {"Authorization": "Bearer mql_" + "x" * 43}
    assert http.get("/api/v1/me", headers=wrong).status_code == 401
    assert http.get("/api/v1/me").json()["role"] == "public"


def test_sign_in_passes_the_client_address_when_the_service_takes_it(box_office, monkeypatch):
    """Sign-in is rate-limited per client address by the service that takes one."""
    service = type(box_office.auth)
    plain = service.sign_in
    passes_on = {"client": ""} if "client" in inspect.signature(plain).parameters else {}
    seen = []

    def sign_in(self, login, password, *, customer=False, client=""):
        seen.append(client)
        return plain(self, login, password, customer=customer, **(passes_on and {"client": client}))

    monkeypatch.setattr(service, "sign_in", sign_in)
    app = app_of(box_office)
    set_up(app)
    assert RemoteBoxOffice.in_process(app).sign_in(*MANAGER).role == "manager"
    assert seen[-1] == "127.0.0.1"


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
