"""Who is calling: from the ``Authorization: Bearer`` header only, never the body."""

from __future__ import annotations

from fastapi import Request

from core.errors import SessionInvalid
from core.services.access import Actor
from server.local_token import PREFIX as LOCAL_PREFIX
from server.local_token import same_token

DEVICE_PREFIX = "mqd_"


class Callers:
    """Turns a request's token into the actor the services check."""

    def __init__(self, box_office, local_token: str) -> None:
        self.box_office = box_office
        self.local_token = local_token

    def token_of(self, request: Request) -> str | None:
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise SessionInvalid("the Authorization header is not 'Bearer <token>'")
        return token.strip()

    def actor_for(self, request: Request) -> Actor:
        token = self.token_of(request)
        if token is None:
            return Actor.public()
        if token.startswith(LOCAL_PREFIX):
            if not same_token(token, self.local_token):
                raise SessionInvalid("it is not this box office's local token")
            # The owner of the data dir sets up a box office that has no accounts yet.
            if self.box_office.auth.has_accounts():
                return Actor.public()
            return Actor.local_admin()
        if token.startswith(DEVICE_PREFIX):
            return self.box_office.devices.actor_for_device(token)
        return self.box_office.auth.actor_for(token)
