"""What an operation of the box-office API is: its name and path, the service method
it calls, the request body (the method's parameters after the caller) and the answer.

Shared by the server and the client; imports only pydantic, the standard library and
core's plain modules (never the services or the repositories)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

API = "/api/v1"


class Request(BaseModel):
    """A request body: unknown fields are refused, never ignored."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


@dataclass(frozen=True)
class Operation:
    service: str  # the box office's attribute: "booking"
    method: str  # the service's method: "hold"
    request: type[Request]
    response: Any  # the method's return type, read and written with a TypeAdapter
    http: Literal["GET", "POST"] = "POST"
    writes: bool = False  # changes state: takes an Idempotency-Key
    # A write whose repeat changes nothing more (holding seats the basket holds
    # already): retried as it is, with no Idempotency-Key record to keep.
    repeatable: bool = False
    actor: bool = True  # the method's first parameter is the caller (never in the body)
    positional: int = 0  # how many of the request's fields the method takes by position
    server_side: tuple[str, ...] = ()  # parameters the server fills, never the caller
    splat: str | None = None  # the field holding the method's ``**changes``
    # The field (a record with a ``key``) that takes the Idempotency-Key to the service,
    # which then never repeats the work, even after a server stopped mid-request.
    key_into: str | None = None
    # The parameter (one of ``server_side``) the server fills with the caller's own
    # Idempotency-Key: the service answers a repeat with what the first call made, so
    # no Idempotency-Key record is kept either.
    own_key: str | None = None

    @property
    def name(self) -> str:
        return f"{self.service}.{self.method}"

    @property
    def path(self) -> str:
        return f"{API}/{self.service}/{self.method}"
