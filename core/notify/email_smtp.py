"""E-mail through any mail server (smtplib): STARTTLS and login only when configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from core.config import NotifyConfig, SmtpConfig
from core.notify.sender_base import DeliveryFailed, inline_images
from core.outbox import OutboxMessage

TIMEOUT_S = 30.0
# Mailbox unavailable, user not local, mailbox name not allowed: another try won't help.
PERMANENT_SMTP_CODES = frozenset({550, 551, 553})


class SmtpSender:
    name, channel = "smtp", "email"

    def __init__(self, config: SmtpConfig, notify: NotifyConfig) -> None:
        self._config = config
        self._notify = notify
        self.secrets = (config.password.get_secret_value(),)

    def send(self, message: OutboxMessage) -> str:
        mime = self.mime(message)
        config = self._config
        try:
            with smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S) as smtp:
                smtp.ehlo()
                if config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if config.username:
                    smtp.login(config.username, self.secrets[0])
                smtp.send_message(mime)
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryFailed("the mail server refused the address", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            code = error.smtp_code
            raise DeliveryFailed(
                f"the mail server answered {code}", permanent=code in PERMANENT_SMTP_CODES
            ) from None
        except smtplib.SMTPException as error:  # no STARTTLS or AUTH offered, hung up ...
            raise DeliveryFailed(f"mail server: {error}") from None
        except OSError as error:
            raise DeliveryFailed(f"mail server unreachable: {error.__class__.__name__}") from None
        return str(mime["Message-ID"])

    def mime(self, message: OutboxMessage) -> EmailMessage:
        """Plain text, and HTML with each ticket's QR image related to it by Content-ID."""
        mime = EmailMessage()
        mime["Subject"] = message.subject
        mime["From"] = formataddr((self._notify.from_name, self._notify.from_email))
        mime["To"] = message.to
        mime["Date"] = formatdate(usegmt=True)
        domain = self._notify.from_email.rpartition("@")[2] or None
        mime["Message-ID"] = make_msgid(domain=domain)
        mime["X-Marquee-Outbox-Id"] = message.id
        mime.set_content(message.text)
        if message.html:
            mime.add_alternative(message.html, subtype="html")
            html = mime.get_body(preferencelist=("html",))
            assert html is not None  # added just above
            for image in inline_images(message):
                html.add_related(
                    image.png,
                    maintype="image",
                    subtype="png",
                    cid=f"<{image.content_id}>",
                    filename=image.filename,
                    disposition="inline",
                )
        return mime
