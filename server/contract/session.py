"""Bodies of the endpoints that are not a service call: sign-in, the caller, settings,
health, and the error envelope."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from core.devices import Device
from server.contract.base import Request

if TYPE_CHECKING:  # a terminal reads the settings, it never loads a configuration
    from core.config import Config

SESSIONS = "/api/v1/sessions"
CURRENT_SESSION = "/api/v1/sessions/current"
RENEWED_SESSION = "/api/v1/sessions/current/renew"
PAIRING = "/api/v1/devices/pair"
LOCAL_DEVICE = "/api/v1/devices/local"  # a device of this machine, for the data dir's owner
CUSTOMERS = "/api/v1/customers"  # a customer registers at a kiosk
ME = "/api/v1/me"
SETTINGS = "/api/v1/settings"
HEALTH = "/health"
STRIPE_WEBHOOK = "/webhooks/stripe"


class SignIn(Request):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    customer: bool = False  # a customer's account (the kiosk), not staff


class PairingIn(Request):
    code: str = Field(min_length=1, max_length=100)


class LocalDeviceIn(Request):
    kind: str = Field(min_length=1, max_length=20)
    theater_id: str | None = Field(None, max_length=100)  # default: kiosk.theater, else the first


class RegisterIn(Request):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field("", max_length=200)


class DeviceTokenOut(BaseModel):
    """A paired terminal's token: shown once, kept by the terminal, never again by us."""

    device_id: str
    name: str
    kind: str
    theater_id: str
    token: str

    @classmethod
    def of(cls, device: Device, token: str) -> DeviceTokenOut:
        return cls(
            device_id=device.id,
            name=device.name,
            kind=device.kind,
            theater_id=device.theater_id,
            token=token,
        )


class SessionOut(BaseModel):
    token: str
    expires_at: dt.datetime  # the session's end: renewing cannot go past it
    token_expires_at: dt.datetime  # this token's end: renew it before
    login: str
    name: str
    role: str
    theaters: list[str]


class Caller(BaseModel):
    """Who the server takes the caller for."""

    subject: str
    role: str
    theaters: list[str]
    user_id: str = ""  # the account behind a signed-in person


class TerminalSettings(BaseModel):
    """The non-secret settings a terminal needs from its box office."""

    currency: str
    hold_minutes_kiosk: int
    hold_minutes_counter: int
    payment_poll_s: float
    reconcile_every_s: float
    payment_methods: list[str]
    kiosk_theater: str | None
    # The counter's ways to pay, as the server takes them there (the test card only in
    # test mode: the demo, or tests).
    counter_payment_methods: list[str] = ["cash"]
    kiosk_idle_timeout_s: float = 60
    gap_rule: str = "warn"  # single empty seats: "off", "warn" or "refuse"

    @classmethod
    def of(cls, config: Config, counter_methods: list[str]) -> TerminalSettings:
        return cls(
            counter_payment_methods=counter_methods,
            currency=config.pricing.currency,
            hold_minutes_kiosk=config.booking.hold_minutes_kiosk,
            hold_minutes_counter=config.booking.hold_minutes_counter,
            payment_poll_s=config.booking.payment_poll_s,
            reconcile_every_s=config.booking.reconcile_every_s,
            payment_methods=list(config.kiosk.payment_methods),
            kiosk_theater=config.kiosk.theater or None,
            kiosk_idle_timeout_s=config.kiosk.idle_timeout_s,
            gap_rule=config.booking.gap_rule,
            stripe_webhook=bool(config.stripe.webhook_secret.get_secret_value()),
        )

    stripe_webhook: bool  # whether Stripe's events are received here


class Health(BaseModel):
    status: str
    version: str
    database: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: ErrorDetail
