"""Where the embedded server listens: ``mongod.sock``, a Unix socket only this OS user
can reach (see :mod:`core.unix_socket`), as the server has no authentication."""

from __future__ import annotations

from urllib.parse import quote

SOCKET_NAME = "mongod.sock"


def socket_uri(path: str) -> str:
    """The driver's URI for the server on the Unix socket at ``path``."""
    return f"mongodb://{quote(path, safe='')}/?directConnection=true"
