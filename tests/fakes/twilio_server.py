"""A stand-in for Twilio's Messages API: basic auth, a form body, a queued message back."""

from __future__ import annotations

import base64
import time
from email.utils import formatdate

from fakes.http import FakeService, Request, Response


class FakeTwilio(FakeService):
    def __init__(self, account_sid: str, auth_token: str, delay_s: float = 0.0) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.delay_s = delay_s
        self.messages: list[dict[str, str]] = []  # accepted messages: To, From, Body
        super().__init__()

    def routes(self) -> None:
        self.route("POST", r"/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json", self._create)

    def _create(self, request: Request) -> Response:
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if (
            request.header("Authorization") != f"Basic {credentials}"
            or request.params["sid"] != self.account_sid
        ):
            return Response(401, {"code": 20003, "message": "Authenticate", "status": 401})
        form = request.form()
        if not all(form.get(key) for key in ("To", "From", "Body")):
            return Response(400, {"code": 21604, "message": "missing To, From or Body"})
        time.sleep(self.delay_s)
        self.messages.append(form)
        sid = f"SM{len(self.messages):032x}"
        return Response(
            201,
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": form["To"],
                "from": form["From"],
                "body": form["Body"],
                "status": "queued",
                "direction": "outbound-api",
                "num_segments": "1",
                "api_version": "2010-04-01",
                "date_created": formatdate(usegmt=True),
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            },
        )
