"""Fixtures of the notification tests: fake SendGrid and Twilio servers, a local SMTP
server (aiosmtpd), box offices with provider config and a hand-moved clock, a showtime.
Test modules load them with ``pytest_plugins = ["notify_fixtures"]``."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cli_support import seed_cinema
from fakes.sendgrid_server import FakeSendGrid
from fakes.twilio_server import FakeTwilio
from notify_support import SENDGRID_KEY, TWILIO_SID, TWILIO_TOKEN, Inbox

from core.bootstrap import BoxOffice
from core.services.access import Actor


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    with _smtp_server(auth_require_tls=False) as server:
        yield server


@pytest.fixture
def show(box_office: BoxOffice, admin: Actor) -> str:
    """The 'Dune' showtime of tomorrow at the Roxy (see ``seed_cinema``)."""
    return seed_cinema(box_office, admin)


@pytest.fixture
def tls_mail_server(tmp_path, monkeypatch) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server that requires STARTTLS before login, with a self-signed certificate
    for 127.0.0.1 that this test's TLS clients trust (``SSL_CERT_FILE``)."""
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with _smtp_server(tls_context=context, require_starttls=True, auth_require_tls=True) as server:
        yield server


@contextmanager
def _smtp_server(**options: Any) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 and a free port, logging in through the inbox."""
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, **options
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
