"""Routes for terminals that are not one service call each: a device of this machine
for the owner of the data dir (the one-machine box office needs no pairing code), and
a customer registering at a kiosk."""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations.

import secrets
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from core.errors import NoTheaterYet, PermissionDenied, SessionInvalid
from core.services.access import Actor
from server.contract.session import (
    CUSTOMERS,
    LOCAL_DEVICE,
    DeviceTokenOut,
    LocalDeviceIn,
    RegisterIn,
    SessionOut,
)
from server.local_token import PREFIX as LOCAL_PREFIX
from server.local_token import same_token


def add_terminal_routes(router: APIRouter, box_office, callers, session_out) -> None:
    tags: list[str | Enum] = ["devices"]

    @router.post(
        LOCAL_DEVICE, response_model=DeviceTokenOut, summary="A device of this machine", tags=tags
    )
    def local_device(request: Request, body: LocalDeviceIn) -> DeviceTokenOut:
        # Only the data dir's local token: whoever can read it owns the data dir (and
        # so the database), and may make a terminal of this machine without a code.
        token = callers.token_of(request) or ""
        if not token.startswith(LOCAL_PREFIX) or not same_token(token, callers.local_token):
            raise SessionInvalid("only this data dir's local token makes a local device")
        admin = Actor.local_admin()
        theater_id = body.theater_id or box_office.config.kiosk.theater or first_theater(admin)
        name = f"this machine {body.kind} {secrets.token_hex(2)}"
        _, code = box_office.devices.add(admin, name, body.kind, theater_id)
        return DeviceTokenOut.of(*box_office.devices.pair(code))

    def first_theater(admin: Actor) -> str:
        theaters = box_office.venues.theaters(admin)
        if not theaters:
            raise NoTheaterYet
        return theaters[0].id

    @router.post(
        CUSTOMERS, response_model=SessionOut, summary="A customer registers at a kiosk", tags=tags
    )
    def register(
        body: RegisterIn, actor: Annotated[Actor, Depends(callers.actor_for)]
    ) -> SessionOut:
        if actor.role != "kiosk":
            raise PermissionDenied("register a customer (at a kiosk only)")
        return session_out(box_office.customers.register(body.login, body.password, body.name))
