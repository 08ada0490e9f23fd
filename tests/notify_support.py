"""Helpers of the notification tests: provider keys, provider config for the fakes, the
SMTP server's handler, and bookings with contact details (fixtures: ``notify_fixtures``)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import AuthResult, LoginPassword
from fakes.sendgrid_server import FakeSendGrid
from fakes.twilio_server import FakeTwilio

from core.bootstrap import BoxOffice
from core.models import Booking, Contact
from core.services.access import Actor

SENDGRID_KEY = "SG.fake-key-4f9d2c7e1b8a"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-token-7c3e9a1f5d2b"
TWILIO_FROM = "+15005550006"
SMTP_USER = "tickets"
SMTP_PASSWORD = "smtp-password-2b8e4d6f"
SECRETS = (SENDGRID_KEY, TWILIO_TOKEN, SMTP_PASSWORD)


class Inbox:
    """An aiosmtpd handler keeping every message it receives, and who logged in."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (SMTP_USER, SMTP_PASSWORD)
        if ok:
            self.logins.append(SMTP_USER)
        return AuthResult(success=ok, handled=False)


def provider_settings(sendgrid: FakeSendGrid | None, twilio: FakeTwilio | None) -> dict:
    settings: dict = {}
    if sendgrid is not None:
        settings["sendgrid"] = {"api_key": SENDGRID_KEY, "api_base": sendgrid.url}
    if twilio is not None:
        settings["twilio"] = {
            "account_sid": TWILIO_SID,
            "auth_token": TWILIO_TOKEN,
            "from_number": TWILIO_FROM,
            "api_base": twilio.url,
        }
    return settings


def book(
    box_office: BoxOffice,
    actor: Actor,
    show: str,
    seats: list[str],
    *,
    email: str | None = None,
    phone: str | None = None,
    reminders: bool = True,
) -> Booking:
    """A confirmed, simulated-card booking with these contact details."""
    basket = box_office.booking.new_basket(actor, show, "cli")
    basket = box_office.booking.hold(actor, basket.id, seats)
    contact = Contact(email=email, phone=phone, reminders=reminders)
    basket = box_office.booking.set_buyer(actor, basket.id, contact)
    return box_office.checkout.checkout(actor, basket.id, "simulated")
