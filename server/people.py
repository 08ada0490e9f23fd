"""Sign-in and sign-out, the caller as the server sees it, the terminals' settings,
health, and the Stripe webhook: the routes that are not one service call each."""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations.

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from core.errors import SessionInvalid
from core.services.access import Actor
from core.version import marquee_version
from server.caller import DEVICE_PREFIX
from server.contract.session import (
    CURRENT_SESSION,
    HEALTH,
    ME,
    PAIRING,
    RENEWED_SESSION,
    SESSIONS,
    SETTINGS,
    STRIPE_WEBHOOK,
    Caller,
    DeviceTokenOut,
    Health,
    PairingIn,
    SessionOut,
    SignIn,
    TerminalSettings,
)
from server.webhook import settle_stripe_event


def add_people_routes(router: APIRouter, box_office, callers) -> None:
    """Add to ``router`` (the app's own: see create_app)."""
    tags: list[str | Enum] = ["people"]
    auth = box_office.auth

    @router.post(
        SESSIONS, response_model=SessionOut, summary="Sign in with name and password", tags=tags
    )
    def sign_in(request: Request, body: SignIn) -> SessionOut:
        # Staff signing in at a counter terminal send its device token: the session is
        # then bound to that counter (and only its theater's staff may sign in there).
        token = callers.token_of(request)
        device = callers.actor_for(request) if token and token.startswith(DEVICE_PREFIX) else None
        session = auth.sign_in(
            body.login,
            body.password,
            customer=body.customer,
            client=request.client.host if request.client else "",
            device=device,
        )
        return session_out(session)

    @router.post(
        RENEWED_SESSION, response_model=SessionOut, summary="Renew a session's token", tags=tags
    )
    def renew(request: Request) -> SessionOut:
        token = callers.token_of(request)
        if token is None:
            raise SessionInvalid("no session was given")
        return session_out(auth.refresh(token))

    @router.delete(CURRENT_SESSION, summary="Sign out: the token is refused from now on", tags=tags)
    def sign_out(request: Request) -> dict[str, bool]:
        token = callers.token_of(request)
        if token is None:
            raise SessionInvalid("no session was given")
        return {"revoked": auth.sign_out(token)}

    @router.post(
        PAIRING, response_model=DeviceTokenOut, summary="Pair a terminal with its code", tags=tags
    )
    def pair(body: PairingIn) -> DeviceTokenOut:
        return DeviceTokenOut.of(*box_office.devices.pair(body.code))

    @router.get(ME, response_model=Caller, summary="The caller as the server sees it", tags=tags)
    def me(actor: Annotated[Actor, Depends(callers.actor_for)]) -> Caller:
        return Caller(
            subject=actor.subject,
            role=actor.role,
            theaters=list(actor.theaters),
            user_id=actor.user_id,
        )

    @router.get(
        SETTINGS, response_model=TerminalSettings, summary="Settings terminals need", tags=tags
    )
    def settings() -> TerminalSettings:
        counter = box_office.payments.at_counter(box_office.config.kiosk.payment_methods)
        return TerminalSettings.of(box_office.config, counter)

    @router.get(HEALTH, response_model=Health, tags=["health"], summary="Up, and the database?")
    def health() -> Response:
        up = box_office.healthy()
        answer = Health(
            status="ok" if up else "degraded",
            version=marquee_version(),
            database="ok" if up else "unavailable",
        )
        return JSONResponse(answer.model_dump(), 200 if up else 503)

    @router.post(STRIPE_WEBHOOK, tags=["webhooks"], summary="Stripe's payment events")
    async def stripe_webhook(request: Request) -> Response:
        payload = await request.body()  # capped by the server's body limit
        signature = request.headers.get("stripe-signature", "")
        status, message = await run_in_thread(box_office, payload, signature)
        return JSONResponse({"message": message}, status)


def session_out(session) -> SessionOut:
    user = session.user
    return SessionOut(
        token=session.token,
        expires_at=session.expires_at,
        token_expires_at=session.token_expires_at,
        login=user.login,
        name=user.name,
        role=user.role,
        theaters=list(user.theaters),
    )


async def run_in_thread(box_office, payload: bytes, signature: str) -> tuple[int, str]:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(settle_stripe_event, box_office, payload, signature)
