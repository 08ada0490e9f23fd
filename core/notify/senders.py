"""Senders deliver one outbox message each through a provider, and which are configured.

E-mail goes by SendGrid when its API key is set, else by SMTP when ``smtp.host``
is set; SMS by Twilio when its account SID, auth token and sending number are
set. A channel without a sender keeps its messages queued in the outbox.
The providers' SDKs are imported on first use, so opening a box office stays fast.
"""

from __future__ import annotations

from core.config import Config
from core.notify.sender_base import Sender


def senders_from_config(config: Config) -> dict[str, Sender]:
    """The configured sender of each channel."""
    from core.notify.email_sendgrid import SendGridSender
    from core.notify.email_smtp import SmtpSender
    from core.notify.sms_twilio import TwilioSender

    senders: dict[str, Sender] = {}
    if config.sendgrid.api_key:
        senders["email"] = SendGridSender(config.sendgrid, config.notify)
    elif config.smtp.host:
        senders["email"] = SmtpSender(config.smtp, config.notify)
    twilio = config.twilio
    if twilio.account_sid and twilio.auth_token and twilio.from_number:
        senders["sms"] = TwilioSender(twilio)
    return senders
