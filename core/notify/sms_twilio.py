"""SMS through Twilio's Messages API (the official SDK).

``twilio.api_base`` replaces ``https://api.twilio.com`` in every request the
SDK makes, so a local server can stand in for Twilio.
"""

from __future__ import annotations

import functools
import re

from core.config import TwilioConfig
from core.errors import InvalidInput
from core.notify.sender_base import PERMANENT_STATUSES, DeliveryFailed, keep_out_of_logs
from core.outbox import OutboxMessage
from core.phones import e164

TWILIO_API = "https://api.twilio.com"
TIMEOUT_S = 30.0


class TwilioSender:
    name, channel = "twilio", "sms"

    def __init__(self, config: TwilioConfig) -> None:
        self._config = config
        self.secrets = (config.auth_token.get_secret_value(),)
        keep_out_of_logs("twilio.http_client", self.secrets)

    def send(self, message: OutboxMessage) -> str:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException
        from twilio.rest import Client

        config = self._config
        http = _http_client_class()(config.api_base or TWILIO_API, timeout=TIMEOUT_S)
        client = Client(config.account_sid, self.secrets[0], http_client=http)
        try:
            sent = client.messages.create(
                to=phone_number(message.to), from_=config.from_number, body=message.text
            )
        except TwilioRestException as error:
            code = f" (error {error.code})" if error.code else ""
            text = f"Twilio answered {error.status}{code}"
            raise DeliveryFailed(text, permanent=error.status in PERMANENT_STATUSES) from None
        except (TwilioException, requests.RequestException) as error:
            raise DeliveryFailed(f"Twilio unreachable: {error.__class__.__name__}") from None
        return sent.sid or ""


def phone_number(text: str) -> str:
    """A number as stored on a booking in E.164 ("+15550100100"). Bookings made before
    numbers were stored so ("+1 (555) 010-0100") are rewritten; one with no country
    code is read as a US number (what Twilio would assume)."""
    try:
        return e164(text, "US")
    except InvalidInput:
        return re.sub(r"[ ()-]", "", text)  # Twilio's refusal says why


@functools.cache
def _http_client_class():
    from twilio.http.http_client import TwilioHttpClient

    class BaseUrlHttpClient(TwilioHttpClient):
        """The SDK's HTTP client, sending what it addresses to Twilio to ``api_base``."""

        def __init__(self, api_base: str, **options) -> None:
            super().__init__(**options)
            self.api_base = api_base.rstrip("/")

        def request(self, method, url, *args, **kwargs):
            if url.startswith(TWILIO_API):
                url = self.api_base + url[len(TWILIO_API) :]
            return super().request(method, url, *args, **kwargs)

    return BaseUrlHttpClient
