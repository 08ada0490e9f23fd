"""Run the customer kiosk in this terminal (``marquee kiosk`` and ``marquee-kiosk``),
as a client of its box-office server: who it is (a kiosk of one theater) comes from
its device token."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from client.pairing import paired_caller
from client.remote import RemoteBoxOffice
from core.actor import Actor
from core.errors import ConfigError, DomainError

if TYPE_CHECKING:
    from core.config import Config
    from kiosk.app import KioskApp

KIOSK = Actor(subject="kiosk", role="kiosk")  # the face's actor: the server reads the token


def kiosk_theater(box_office: RemoteBoxOffice, server: str | None = None) -> tuple[str, str]:
    """The theater and name of the kiosk the token stands for; NotPaired if none."""
    caller = paired_caller(box_office, "kiosk", server)
    return caller.theaters[0], caller.subject.partition(":")[2] or "kiosk"


def check_payment_methods(box_office: RemoteBoxOffice, names: list[str]) -> list[str]:
    """The configured ways to pay, refused at start if one is unknown or counter-only."""
    for name in names:
        try:
            box_office.payments.choice(KIOSK, name)
        except DomainError as error:
            problem = getattr(error, "problem", str(error))
            raise ConfigError("kiosk.payment_methods", problem) from None
    return names


def make_kiosk_app(
    box_office: RemoteBoxOffice,
    *,
    demo: bool = False,
    server: str | None = None,
    exit_pin: str = "",
) -> KioskApp:
    """The kiosk of the token's theater, with the box office's settings; ``exit_pin`` (this
    machine's ``kiosk.exit_pin``) lets staff quit it; a demo quits on Ctrl+Q alone."""
    from kiosk.app import KioskApp  # Textual loads only when a kiosk runs

    theater_id, name = kiosk_theater(box_office, server)
    settings = box_office.settings
    methods = ["simulated"] if demo else check_payment_methods(box_office, settings.payment_methods)
    return KioskApp(
        box_office,
        theater_id,
        payment_methods=methods,
        idle_timeout_s=settings.kiosk_idle_timeout_s,
        kiosk_name=name,
        server=server,
        exit_pin=exit_pin,
        quit_without_pin=demo,
    )


def run_kiosk(
    box_office: RemoteBoxOffice,
    *,
    config: Config,
    log_level: str | None = None,
    demo: bool = False,
    server: str | None = None,
) -> int:
    """Run the kiosk until it is quit; the exit code."""
    from core.logfile import log_for  # with the config, which the kiosk's start does without

    pin = config.kiosk.exit_pin.get_secret_value()
    app = make_kiosk_app(box_office, demo=demo, server=server, exit_pin=pin)
    log_for(config, "kiosk.log", level=log_level)
    try:
        app.run()
    finally:
        release_on_exit(app)
    return app.return_code or 0


def release_on_exit(app: KioskApp) -> None:
    """Quit in the middle of a sale: give its seats back now rather than when they lapse."""
    if app.basket is not None:
        try:
            app.box_office.checkout.abandon(app.actor, app.basket.id)
        except Exception:  # the server is away: the holds lapse by themselves
            logging.getLogger("marquee.kiosk").warning("could not release the seats on exit")
