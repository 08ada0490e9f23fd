"""Run the customer kiosk in this terminal (``marquee kiosk`` and ``marquee-kiosk``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.bootstrap import BoxOffice
from core.demo import seed_demo
from core.errors import ConfigError, DomainError, MarqueeError
from core.services.access import Actor
from core.startup import log_to_file, reconcile_in_background

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class NoTheater(MarqueeError):
    """There is no theater for the kiosk to sell for."""


def resolve_theater(box_office: BoxOffice, wanted: str | None) -> str:
    """The option, else config ``kiosk.theater``, else the first theater."""
    admin = Actor.local_admin()
    wanted = wanted or box_office.config.kiosk.theater
    if wanted:
        return box_office.venues.theater(admin, wanted).id
    theaters = box_office.venues.theaters(admin)
    if not theaters:
        raise NoTheater("there is no theater yet: run `marquee demo` or `marquee kiosk --demo`")
    return theaters[0].id


def check_payment_methods(box_office: BoxOffice, names: list[str]) -> list[str]:
    """The configured ways to pay, refused at start if one is unknown or counter-only."""
    kiosk = Actor(subject="kiosk", role="kiosk")
    for name in names:
        try:
            box_office.payments.get(kiosk, name)
        except DomainError as error:
            problem = getattr(error, "problem", str(error))
            raise ConfigError("kiosk.payment_methods", problem) from None
    return names


def run_kiosk(box_office: BoxOffice, *, theater: str | None = None, demo: bool = False) -> int:
    """Run the kiosk until it is quit; the exit code."""
    from kiosk.app import KioskApp  # Textual loads only when a kiosk runs

    if demo:
        seed_demo(box_office)  # an empty box office or the demo; refused on any other
    settings = box_office.config.kiosk
    methods = ["simulated"] if demo else check_payment_methods(box_office, settings.payment_methods)
    app = KioskApp(
        box_office,
        resolve_theater(box_office, theater),
        payment_methods=methods,
        idle_timeout_s=settings.idle_timeout_s,
        kiosk_name=settings.name,
    )
    log_to_file(box_office, "kiosk.log")
    reconcile_in_background(box_office, settings.name, box_office.config.booking.reconcile_every_s)
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
        except Exception:  # the database is away: the holds lapse by themselves
            logging.getLogger("marquee.kiosk").warning("could not release the seats on exit")
