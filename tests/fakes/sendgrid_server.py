"""A stand-in for SendGrid's v3 mail API: checks the API key, keeps each accepted mail."""

from __future__ import annotations

import time
from typing import Any

from fakes.http import FakeService, Request, Response


class FakeSendGrid(FakeService):
    def __init__(self, api_key: str, delay_s: float = 0.0) -> None:
        self.api_key = api_key
        self.delay_s = delay_s  # a slow provider widens races between workers
        self.mails: list[dict[str, Any]] = []  # accepted mails, as the SDK sent them
        super().__init__()

    def routes(self) -> None:
        self.route("POST", "/v3/mail/send", self._send)

    def _send(self, request: Request) -> Response:
        if request.header("Authorization") != f"Bearer {self.api_key}":
            return Response(401, {"errors": [{"message": "authorization grant is invalid"}]})
        mail = request.json()
        if not mail.get("personalizations") or not mail.get("from") or not mail.get("content"):
            return Response(400, {"errors": [{"message": "incomplete mail"}]})
        time.sleep(self.delay_s)
        self.mails.append(mail)
        return Response(202, None, {"X-Message-Id": f"sg-{len(self.mails)}"})

    def recipients(self) -> list[str]:
        return [p["to"][0]["email"] for mail in self.mails for p in mail["personalizations"]]
