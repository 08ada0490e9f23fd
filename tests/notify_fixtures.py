"""Fixtures of the notification tests: fake SendGrid and Twilio servers, a local SMTP
server (aiosmtpd), box offices with provider config and a hand-moved clock, a showtime.
Test modules load them with ``pytest_plugins = ["notify_fixtures"]``."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from booking_support import Clock
from fakes.sendgrid_server import FakeSendGrid
from fakes.twilio_server import FakeTwilio
from notify_support import SENDGRID_KEY, TWILIO_SID, TWILIO_TOKEN, Inbox
from test_cli_booking import seed_cinema

from core.bootstrap import BoxOffice, open_box_office
from core.config import Config
from core.services.access import Actor


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sendgrid() -> Iterator[FakeSendGrid]:
    with FakeSendGrid(SENDGRID_KEY) as service:
        yield service


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(TWILIO_SID, TWILIO_TOKEN) as service:
        yield service


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, int]]:
    """A plain SMTP server on 127.0.0.1 that takes AUTH LOGIN/PLAIN without TLS."""
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def open_office(
    box_office: BoxOffice, config: Config, clock: Clock
) -> Iterator[Callable[..., BoxOffice]]:
    """Open more box offices on the test's database, with config overrides and the clock
    (``box_office`` drops the database afterwards)."""
    opened: list[BoxOffice] = []

    def open_(**sections: dict) -> BoxOffice:
        office = open_box_office(config.with_overrides(**sections), clock=clock)
        opened.append(office)
        return office

    yield open_
    for office in opened:
        office.close()


@pytest.fixture
def show(box_office: BoxOffice, admin: Actor) -> str:
    """The 'Dune' showtime of tomorrow at the Roxy (see ``seed_cinema``)."""
    return seed_cinema(box_office, admin)
