"""One router per capability, made from the contract: each route takes the caller from
the token, the body validated by the operation's request model, makes one service
call and answers the result as the operation's response type."""

# No ``from __future__ import annotations``: FastAPI reads the handlers' annotations,
# which name each operation's request model.

import dataclasses
import hashlib
import json
from typing import Any

from fastapi import APIRouter, Header
from fastapi import Request as HttpRequest
from fastapi.responses import Response

from core.errors import InvalidInput, MarqueeError, PermissionDenied
from core.services.access import Actor
from server.contract import CAPABILITIES, Operation, Request
from server.contract.wire import Codec
from server.errors import domain_answer
from server.idempotency import Answer, Idempotency, refused_key

# Methods without a caller parameter that anyone may call (whether to set up).
OPEN_TO_ALL = {"auth.has_accounts"}
SECRET_FIELDS = {"password_hash"}  # never leaves the server, whatever carries it


def without_secrets(content: bytes) -> bytes:
    """The answer with every secret field blanked. Most answers carry none: a field's
    name always appears quoted in the JSON, so only those that show one are rewritten."""
    if not any(b'"%s"' % name.encode() in content for name in SECRET_FIELDS):
        return content
    return json.dumps(redacted(json.loads(content))).encode()


def redacted(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: ("" if k in SECRET_FIELDS else redacted(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redacted(item) for item in data]
    return data


def own_key(subject: str, key: str) -> str:
    """A request's key made the caller's own, so two callers' keys never meet in a service."""
    return hashlib.sha256(f"{subject}\x00{key}".encode()).hexdigest()[:40]


def with_key(op: Operation, body, subject: str, key: str):
    """The body with the request's key in its ``key_into`` record (unless it has one)."""
    record = getattr(body, op.key_into) if op.key_into and body is not None else None
    if record is None or record.key:
        return body
    own = own_key(subject, key)
    return body.model_copy(update={op.key_into: dataclasses.replace(record, key=own)})


def add_operations(router: APIRouter, box_office, caller, idempotency: Idempotency) -> None:
    """A route per operation of the contract, tagged with its capability."""
    for module in CAPABILITIES:
        for op in module.OPERATIONS:
            _add(router, op, box_office, caller, idempotency)


def _add(router: APIRouter, op: Operation, box_office, caller, idempotency) -> None:
    codec = Codec(op.response)
    service = getattr(box_office, op.service)
    method = getattr(service, op.method)  # for the summary; each call looks it up again

    def execute(actor: Actor, body, filled: dict[str, Any]) -> Answer:
        """The service's answer; ``filled``: the server-side parameters the server gives."""
        fields = type(body).model_fields if body is not None else {}
        values = {name: getattr(body, name) for name in fields} | filled
        changes = values.pop(op.splat, None) or {} if op.splat else {}
        arguments = (actor,) if op.actor else ()
        try:
            if not op.actor and actor.role == "public" and op.name not in OPEN_TO_ALL:
                raise PermissionDenied(op.name)  # no caller to check: signed-in callers only
            clash = sorted(name for name in changes if name in values or name == "actor")
            if clash:
                raise InvalidInput(f"{op.splat}.{clash[0]}", "is not a field that can change")
            result = getattr(service, op.method)(*arguments, **values, **changes)
        except MarqueeError as error:
            status, content = domain_answer(error)
            if isinstance(error, PermissionDenied) and actor.role == "public":
                status = 401  # nobody signed in: signing in is the way on
            return status, content
        return 200, without_secrets(codec.dump(result))

    def answer(actor: Actor, body, key: str | None) -> Response:
        if refused := refused_key(key):
            status, content = refused
        elif op.own_key:  # the service keeps the key itself: no record here
            filled = {op.own_key: own_key(actor.subject, key)} if key is not None else {}
            status, content = execute(actor, body, filled)
        elif op.writes and not op.repeatable and key is not None:
            raw = body.model_dump_json().encode() if body is not None else b"{}"
            keyed = with_key(op, body, actor.subject, key)
            status, content = idempotency.run(
                actor.subject, key, op.name, raw, lambda: execute(actor, keyed, {})
            )
        else:
            status, content = execute(actor, body, {})
        return Response(content, status, media_type="application/json")

    request_model = op.request
    summary = (method.__doc__ or op.name).strip().splitlines()[0]
    options = {
        "name": op.name,
        "summary": summary,
        "operation_id": op.name.replace(".", "_"),
        "tags": [op.service],
        "response_model": codec.schema,  # documents the answer; the route writes it itself
    }
    key_header = Header(default=None, alias="Idempotency-Key")
    # The caller is read in the handler's own worker thread (its session or device is
    # looked up in the database), not in a dependency that would take a thread of its own.
    if op.http == "GET":

        def read(request: HttpRequest) -> Response:
            return answer(caller(request), None, None)

        router.get(op.path, **options)(read)
    elif request_model.model_fields:

        def call(request: HttpRequest, body: Request, key: str | None = key_header) -> Response:
            return answer(caller(request), body, key)

        call.__annotations__["body"] = request_model  # FastAPI reads the operation's model here
        router.post(op.path, **options)(call)
    else:

        def bare(
            request: HttpRequest, body: Request | None = None, key: str | None = key_header
        ) -> Response:
            return answer(caller(request), body, key)

        bare.__annotations__["body"] = request_model | None
        router.post(op.path, **options)(bare)
