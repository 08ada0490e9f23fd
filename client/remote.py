"""The box office over HTTP, with the face the terminals and the CLI already call:
``remote.booking.hold(actor, basket_id, seat_ids)`` answers a Basket as
``box_office.booking.hold`` does. The actor argument is kept for that face and not
sent: the server takes the caller from the token. A refusal is raised again as the
same domain error, with the same message and details."""

from __future__ import annotations

import inspect
import json
import time
import uuid
from functools import partial
from typing import Any

import httpx
from pydantic_core import to_jsonable_python

from client.live import watch
from client.one_write import OneWriteTransport
from client.refusals import refusal
from client.terminal_parts import basket_gap_warnings
from core.errors import StorageError
from server.contract import CAPABILITIES, Operation
from server.contract.session import (
    CURRENT_SESSION,
    CUSTOMERS,
    HEALTH,
    LOCAL_DEVICE,
    ME,
    PAIRING,
    RENEWED_SESSION,
    SESSIONS,
    SETTINGS,
    Caller,
    DeviceTokenOut,
    SessionOut,
    TerminalSettings,
)
from server.contract.wire import Codec

RETRIES = 2  # after the first try, for requests that are safe to send again
BACKOFF_S = (0.2, 0.6)
# A dead server is noticed in seconds: connecting is short, reading not long (the
# health check, shorter still, takes a kiosk out of service first). Only a
# write waits long for its answer (a sale may wait on a card reader or a provider).
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 15.0  # a year's report on a big database takes seconds
TIMEOUT_S = 60.0
HEALTH_TIMEOUT_S = 2.0  # the kiosk's health check: shorter than its patience
READ = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
WRITE = httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)


class RemoteBoxOffice:
    # One ServiceProxy per capability of the contract, made in __init__: each has the
    # methods of the core's service of that name, so its type is the service's face.
    aftersales: Any
    approvals: Any
    audit: Any
    auth: Any
    booking: Any
    cash: Any
    catalog: Any
    checkout: Any
    customers: Any
    devices: Any
    inventory: Any
    notify: Any
    payments: Any
    pricing: Any
    promos: Any
    reconcile: Any
    reports: Any
    sales: Any
    schedule: Any
    tickets: Any
    venues: Any

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        http: httpx.Client | None = None,
        retries: int = RETRIES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retries = retries
        self._owns_http = http is None
        self._http = http or httpx.Client(
            base_url=self.base_url, transport=transport or OneWriteTransport(), timeout=READ
        )
        self._settings: TerminalSettings | None = None
        self.live_stream = True  # seat maps live from the server's stream (else polled)
        for module in CAPABILITIES:
            service = module.OPERATIONS[0].service
            setattr(self, service, ServiceProxy(self, service, module.OPERATIONS))
        # Answered here, with the face of the core's services.
        self.booking.gap_warnings = lambda basket, seat_map: basket_gap_warnings(
            self.settings.gap_rule, basket, seat_map
        )
        # The core's live seat map, over the server's seat stream.
        self.inventory.watch = partial(watch, self)

    @classmethod
    def in_process(cls, app: Any, token: str | None = None) -> RemoteBoxOffice:
        """A client of an app in this process, through no socket."""
        from client.in_process import InProcessTransport

        remote = cls("http://marquee.local", token, transport=InProcessTransport(app))
        remote.live_stream = False  # the in-process transport answers whole bodies: poll
        return remote

    def with_token(self, token: str | None) -> RemoteBoxOffice:
        """The same server as another caller (a customer signed in at this kiosk),
        over the same connection."""
        other = RemoteBoxOffice(self.base_url, token, http=self._http, retries=self.retries)
        other._settings = self._settings
        other.live_stream = self.live_stream  # the same transport streams, or does not
        return other

    # -- people and the server ------------------------------------------------------------
    def sign_in(self, login: str, password: str, *, customer: bool = False) -> SessionOut:
        body = {"login": login, "password": password, "customer": customer}
        session = SessionOut.model_validate(self.request("POST", SESSIONS, body, retry=False))
        self.token = session.token
        return session

    def renew(self) -> SessionOut:
        """A fresh token for this session (the old one ends), up to the session's end."""
        answer = self.request("POST", RENEWED_SESSION, None, retry=False)
        session = SessionOut.model_validate(answer)
        self.token = session.token
        return session

    def sign_out(self) -> None:
        self.request("DELETE", CURRENT_SESSION, None, retry=False)
        self.token = None

    def register(self, login: str, password: str, name: str = "") -> SessionOut:
        """A new customer account (at a kiosk: this client's token), signed in at once."""
        body = {"login": login, "password": password, "name": name}
        return SessionOut.model_validate(self.request("POST", CUSTOMERS, body, retry=False))

    def pair(self, code: str) -> DeviceTokenOut:
        """Trade a pairing code for this terminal's device token (kept as this client's)."""
        body = {"code": code}
        paired = DeviceTokenOut.model_validate(self.request("POST", PAIRING, body, retry=False))
        self.token = paired.token
        return paired

    def local_device(self, kind: str, theater_id: str | None = None) -> DeviceTokenOut:
        """A device of this machine, made with the data dir's local token (this client's)."""
        body = {"kind": kind, "theater_id": theater_id}
        return DeviceTokenOut.model_validate(self.request("POST", LOCAL_DEVICE, body, retry=False))

    def me(self) -> Caller:
        return Caller.model_validate(self.request("GET", ME))

    @property
    def settings(self) -> TerminalSettings:
        if self._settings is None:
            self._settings = TerminalSettings.model_validate(self.request("GET", SETTINGS))
        return self._settings

    def healthy(self) -> bool:
        try:
            return self._http.get(HEALTH, timeout=HEALTH_TIMEOUT_S).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def http(self) -> httpx.Client:
        return self._http

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> RemoteBoxOffice:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the wire -------------------------------------------------------------------------
    def request(self, method: str, path: str, body: Any = None, **options: Any) -> Any:
        """The answer's JSON, parsed (``options`` as for ``send``)."""
        return json.loads(self.send(method, path, body, **options))

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        retry: bool = True,
        patient: bool = False,
    ) -> bytes:
        """The answer's JSON as it came, for a codec to read straight from bytes; a
        ``patient`` request (a write) waits long for its answer, any other a few seconds."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        timeout = WRITE if patient else READ
        if key:
            headers["Idempotency-Key"] = key
        tries = 1 + (self.retries if retry else 0)
        for attempt in range(tries):
            try:
                response = self._http.request(
                    method,
                    path,
                    json=body if method != "GET" else None,
                    headers=headers,
                    timeout=timeout,
                )
                break
            except httpx.TransportError:
                if attempt + 1 >= tries:
                    raise StorageError(
                        f"box-office server at {self.base_url} is not answering"
                    ) from None
                time.sleep(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
        if response.status_code == 200:
            return response.content
        raise refusal(response)


class ServiceProxy:
    """One capability of the remote box office: a method per operation."""

    def __init__(self, remote: RemoteBoxOffice, service: str, operations: tuple) -> None:
        self._remote = remote
        self._service = service
        for op in operations:
            setattr(self, op.method, RemoteMethod(remote, op))

    def __repr__(self) -> str:
        return f"<remote {self._service} at {self._remote.base_url}>"


class RemoteMethod:
    def __init__(self, remote: RemoteBoxOffice, op: Operation) -> None:
        self._remote = remote
        self.op = op
        self._codec = Codec(op.response)
        self.__signature__ = signature_of(op)
        self.__name__ = op.method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        op = self.op
        bound = self.__signature__.bind(*args, **kwargs)
        body: dict[str, Any] = {}
        for name, value in bound.arguments.items():
            if name == "actor" or name in op.server_side:
                continue  # the caller comes from the token; the server fills the rest
            body[name] = to_jsonable_python(value)
        if op.http == "GET":
            content = self._remote.send("GET", op.path)
        else:
            # One key per call, kept on retries; a repeatable write needs none.
            key = uuid.uuid4().hex if op.writes and not op.repeatable else None
            content = self._remote.send("POST", op.path, body, key=key, patient=op.writes)
        return self._codec.load(content)


def signature_of(op: Operation) -> inspect.Signature:
    """The service method's signature, rebuilt from the request model."""
    kinds = inspect.Parameter
    parameters = [kinds("actor", kinds.POSITIONAL_OR_KEYWORD)] if op.actor else []
    fields = [(name, f) for name, f in op.request.model_fields.items() if name != op.splat]
    for index, (name, field) in enumerate(fields):
        kind = kinds.POSITIONAL_OR_KEYWORD if index < op.positional else kinds.KEYWORD_ONLY
        default = (
            kinds.empty if field.is_required() else field.get_default(call_default_factory=True)
        )
        parameters.append(kinds(name, kind, default=default))
    parameters += [kinds(name, kinds.KEYWORD_ONLY, default=None) for name in op.server_side]
    if op.splat:
        parameters.append(kinds(op.splat, kinds.VAR_KEYWORD))
    return inspect.Signature(parameters)
