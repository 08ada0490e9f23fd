"""E-mail through SendGrid's v3 API (the official SDK), tickets as inline QR images."""

from __future__ import annotations

import base64

from core.config import NotifyConfig, SendgridConfig
from core.notify.sender_base import (
    PERMANENT_STATUSES,
    DeliveryFailed,
    inline_images,
    keep_out_of_logs,
)
from core.outbox import OutboxMessage

SENDGRID_API = "https://api.sendgrid.com"
TIMEOUT_S = 30.0


class SendGridSender:
    name, channel = "sendgrid", "email"

    def __init__(self, config: SendgridConfig, notify: NotifyConfig) -> None:
        self._config = config
        self._notify = notify
        self.secrets = (config.api_key.get_secret_value(),)
        keep_out_of_logs("python_http_client.client", self.secrets)

    def send(self, message: OutboxMessage) -> str:
        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient

        client = SendGridAPIClient(
            api_key=self._config.api_key.get_secret_value(),
            host=self._config.api_base or SENDGRID_API,
        )
        client.client.timeout = TIMEOUT_S
        try:
            response = client.send(self.mail(message))
        except HTTPError as error:
            status = int(getattr(error, "status_code", 0) or 0)
            raise DeliveryFailed(
                f"SendGrid answered {status}", permanent=status in PERMANENT_STATUSES
            ) from None
        except OSError as error:  # URLError, timeouts, refused connections
            reason = getattr(error, "reason", None) or error.__class__.__name__
            raise DeliveryFailed(f"SendGrid unreachable: {reason}") from None
        return response.headers.get("X-Message-Id", "") or ""

    def mail(self, message: OutboxMessage):
        from sendgrid.helpers.mail import (
            Attachment,
            ContentId,
            CustomArg,
            Disposition,
            FileContent,
            FileName,
            FileType,
            From,
            Mail,
        )

        mail = Mail(
            from_email=From(self._notify.from_email, self._notify.from_name),
            to_emails=message.to,
            subject=message.subject,
            plain_text_content=message.text,
            html_content=message.html or None,
        )
        for image in inline_images(message):
            mail.add_attachment(
                Attachment(
                    FileContent(base64.b64encode(image.png).decode("ascii")),
                    FileName(image.filename),
                    FileType("image/png"),
                    Disposition("inline"),
                    ContentId(image.content_id),
                )
            )
        mail.add_custom_arg(CustomArg("outbox_id", message.id))
        return mail
