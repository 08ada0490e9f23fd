"""``marquee-kiosk`` (and ``marquee kiosk``): run the customer kiosk in this terminal."""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

from core.bootstrap import BoxOffice
from core.demo import seed_demo
from core.errors import ConfigError, DomainError, MarqueeError
from core.services.access import Actor

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


def reconcile_in_background(
    box_office: BoxOffice,
    kiosk_name: str,
    every_s: float = 0,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Settle payments left open (a crash, a payment taken while the database was away;
    this kiosk's or another's) without delaying the start; then again every ``every_s``
    seconds (0: only at the start) until ``stop`` is set."""
    log = logging.getLogger("marquee.kiosk")
    system = Actor(subject=f"reconcile:{kiosk_name}", role="admin")
    stop = stop or threading.Event()

    def run() -> None:
        while True:
            try:
                for outcome in box_office.reconcile.run(system):
                    log.info(
                        "reconciled %s: %s -> %s",
                        outcome.reference,
                        outcome.before,
                        outcome.after,
                    )
            except Exception:  # the kiosk still sells; the next run tries again
                log.exception("reconcile failed")
            if every_s <= 0 or stop.wait(every_s):
                return

    thread = threading.Thread(target=run, name="reconcile", daemon=True)
    thread.start()
    return thread


def log_to_file(box_office: BoxOffice, name: str = "kiosk.log") -> None:
    """Problems go to a log file in the data dir: never onto the screen."""
    path = box_office.config.data_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("marquee")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


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
    log_to_file(box_office)
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
            app.box_office.checkout.abandon(app.actor, app.basket)
        except Exception:  # the database is away: the holds lapse by themselves
            logging.getLogger("marquee.kiosk").warning("could not release the seats on exit")


def main() -> None:
    """``marquee-kiosk [--theater THEATER] [--demo]``: the same as ``marquee kiosk``."""
    from console.cli import main as cli_main  # one place parses options and reports errors

    sys.exit(cli_main(["kiosk", *sys.argv[1:]]))
