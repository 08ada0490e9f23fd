"""This machine's own box-office server for a data dir, leased like the embedded
database (see :mod:`core.lease.server`): the first command or terminal that needs it
starts it, each one leases it while it runs, and it stops by itself a few seconds
(``server.linger_s``) after the last leaseholder has exited or crashed. It listens on
a Unix socket in ``<data dir>/server/local`` (0700; the socket 0600), so only the OS
user who owns the data dir reaches it, with the data dir's local token.

:func:`connect` answers a :class:`RemoteBoxOffice` over that socket; closing it ends
the lease. A server that went away under a leaseholder (crashed, killed) is found or
started again on the next request.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from client.one_write import OneWriteTransport
from client.remote import RemoteBoxOffice
from core.config import Config, config_path
from core.lease.files import LeaseFiles
from core.lease.server import LeasedServer
from server.contract.local import LOCAL_SERVER_MODULE, local_server_files, read_local_token
from server.contract.session import SETTINGS

BASE_URL = "http://marquee.local"  # any host: the socket is the address
# Not passed on to the server: whoever starts it must not become who it trusts.
PRIVATE_VARIABLES = ("MARQUEE_TOKEN", "MARQUEE_SERVER")


class LocalServer(LeasedServer):
    """Start, lease, inspect and stop the local box-office server of one data dir."""

    module = LOCAL_SERVER_MODULE

    config_file: Path | None = None  # the config file a server started now reads
    answer_s = 10.0  # busy with every terminal of the machine, it may be slow to answer

    @staticmethod
    def lease_files(data_dir: Path) -> LeaseFiles:
        return local_server_files(data_dir)

    @classmethod
    def of(cls, config: Config) -> LocalServer:
        """The local server of ``config``'s data dir; one started now reads the same
        config file as this process (named, as it runs elsewhere)."""
        server = cls(
            config.data_dir,
            start_timeout_s=config.server.start_timeout_s,
            linger_s=config.server.linger_s,
            lock_timeout_s=config.embedded.lock_timeout_s,
        )
        found = config_path(dict(os.environ), Path.cwd())
        server.config_file = found.resolve() if found is not None else None
        server.log_limits = (config.logging.max_bytes, config.logging.backups)
        return server

    def environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if name not in PRIVATE_VARIABLES}
        env["MARQUEE_DATA_DIR"] = str(self.paths.data_dir)
        if self.config_file is not None:
            env["MARQUEE_CONFIG"] = str(self.config_file)
        return env

    def answers(self, socket_path: str, timeout_s: float) -> bool:
        """Whether the API answers on the socket (a read that needs no database)."""
        transport = httpx.HTTPTransport(uds=socket_path)
        try:
            with httpx.Client(transport=transport, base_url=BASE_URL, timeout=timeout_s) as http:
                return http.get(SETTINGS).status_code == 200
        except httpx.HTTPError:
            return False


class LeasedTransport(httpx.BaseTransport):
    """HTTP over the local server's socket, under this process's lease (ended by
    :meth:`close`). A request that cannot connect (the server crashed or was killed)
    finds or starts the server again and is sent once more: it never reached one."""

    def __init__(self, server: LocalServer, socket_path: str) -> None:
        self._server = server
        self._socket = socket_path
        self._http = OneWriteTransport(uds=socket_path)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._http.handle_request(request)
        except httpx.ConnectError:
            socket_path = self._server.locate()
            if socket_path != self._socket:
                self._http.close()
                self._socket, self._http = socket_path, OneWriteTransport(uds=socket_path)
            return self._http.handle_request(request)

    def close(self) -> None:
        self._http.close()
        self._server.release()


def connect(config: Config, token: str | None = None) -> RemoteBoxOffice:
    """The box office of ``config``'s data dir through its local server, started if
    none runs; as ``token``'s caller, else with the data dir's local token."""
    server = LocalServer.of(config)
    socket_path = server.acquire()
    try:
        token = token or read_local_token(config.data_dir)
        return RemoteBoxOffice(BASE_URL, token, transport=LeasedTransport(server, socket_path))
    except BaseException:
        server.release()
        raise
