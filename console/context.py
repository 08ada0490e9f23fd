"""What every CLI command shares: the box office it talks to and who it runs as.

Commands are clients of a box-office server: the one at ``MARQUEE_SERVER``, else
this machine's own: a ``marquee serve`` of this data dir when one runs, else the
data dir's local server process, leased (and started when none runs), or, with
``server.local = "in-process"``, the same server run inside this process. The
server decides who the caller is, from
the session signed in with ``marquee login`` (or ``MARQUEE_TOKEN``), or from the data
dir's local token, which sets up a box office that has no accounts yet.

Only the server-side commands (``serve``, ``db``, ``demo``, ``devices add``, ``keys``,
and the terminals that still run in-process) open the core with :func:`core_box_office`.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os

from client.remote import RemoteBoxOffice
from console import session
from core.bootstrap import BoxOffice, open_box_office
from core.config import Config, load_config
from core.errors import SessionInvalid
from core.localtime import machine_zone
from core.services.access import Actor
from server.contract.local import read_local_token, running_server
from server.contract.session import Caller

SERVER_VARIABLE = "MARQUEE_SERVER"

_config: Config | None = None
_client: RemoteBoxOffice | None = None
_core: BoxOffice | None = None
_actor: Actor | None = None
_zones: dict[str, dt.tzinfo] = {}


def config() -> Config:
    """This machine's config (its data dir, its database for server-side commands)."""
    global _config
    if _config is None:
        _config = load_config()
    return _config


def server_url() -> str | None:
    return os.environ.get(SERVER_VARIABLE, "").strip() or None


def server_name() -> str:
    """Whose sessions ``marquee login`` keeps: the server's address, or this data dir's."""
    return server_url() or f"local:{config().data_dir.resolve()}"


def services() -> RemoteBoxOffice:
    """The box office over its API, connected on first use and closed when the command ends."""
    global _client
    if _client is None:
        token = session.current_token(server_name())
        url = server_url()
        _client = RemoteBoxOffice(url, token) if url is not None else _local_server(token)
        atexit.register(close)
    return _client


def _local_server(token: str | None) -> RemoteBoxOffice:
    """This data dir's ``marquee serve``, else its local server process (leased until the
    client is closed), else (``server.local = "in-process"``) the server run inside
    this process."""
    data_dir = config().data_dir
    running = running_server(data_dir)
    if running is not None:
        return RemoteBoxOffice(running.url, token or read_local_token(data_dir))
    if config().server.local == "process":
        from client import local_server

        return local_server.connect(config(), token)
    from server.app import create_app  # only when the server runs here

    app = create_app(core_box_office())
    return RemoteBoxOffice.in_process(app, token or read_local_token(data_dir))


def core_box_office() -> BoxOffice:
    """The core itself, for the server-side commands (and the local server in this process)."""
    global _core
    if _core is None:
        _core = open_box_office(config())
        atexit.register(close)
    return _core


def actor() -> Actor:
    """Who runs this command, as the server sees the caller."""
    global _actor
    if _actor is None:
        box_office = services()
        try:
            caller = box_office.me()
        except SessionInvalid as refused:
            caller = _renewed(box_office, refused)
        _actor = Actor(subject=caller.subject, role=caller.role, theaters=tuple(caller.theaters))
    return _actor


def _renewed(box_office: RemoteBoxOffice, refused: SessionInvalid) -> Caller:
    """The stored session's access token is short-lived: past its time it is renewed
    (and the new one stored) while the session lasts. ``MARQUEE_TOKEN`` is used as it
    is: a script signs in again."""
    server, token = server_name(), box_office.token
    if token is None or token != session.stored_token(server) or session.from_environment():
        raise refused  # not a stored session: the server's reason stands
    try:
        renewed = box_office.renew()
    except SessionInvalid:
        newer = session.stored_token(server)
        if not newer or newer == token:
            raise
        box_office.token = newer  # another command renewed it a moment ago
        return box_office.me()
    session.store(server, renewed.token, renewed.login)
    return box_office.me()


def core_actor() -> Actor:
    """Who runs a server-side command: the signed-in session, checked by the core here;
    with no accounts yet, the owner of the data dir as its local admin."""
    global _actor
    if _actor is None:
        box_office = core_box_office()
        token = session.current_token(server_name())
        if token:
            _actor = box_office.auth.actor_for(token)
        elif not box_office.auth.has_accounts():
            _actor = Actor.local_admin()
        else:
            _actor = Actor.public()
    return _actor


def theater_zone(theater_id: str | None) -> dt.tzinfo:
    """The time zone a theater's times are read in (this machine's for none)."""
    if not theater_id:
        return machine_zone()
    if theater_id not in _zones:
        _zones.update({t.id: t.zone for t in services().venues.theaters(actor())})
    return _zones.get(theater_id) or machine_zone()


def currency() -> str:
    """The box office's currency, as its server says."""
    return services().settings.currency


def signed_out() -> bool:
    return _actor is not None and _actor.role == "public"


def close() -> None:
    global _client, _core
    if _client is not None:
        _client.close()
        _client = None
    if _core is not None:
        _core.close()
        _core = None


def reset() -> None:
    """Forget the opened box office and config (tests run many commands per process)."""
    global _config, _actor
    close()
    _config = _actor = None
    _zones.clear()
