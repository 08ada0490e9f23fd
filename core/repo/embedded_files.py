"""The embedded server's files in ``<data>/embedded`` (the locks, the state, the leases:
see :mod:`core.lease.files`), and its database in ``<data>/db``."""

from __future__ import annotations

from pathlib import Path

from core.lease.files import LeaseFiles, ServerState
from core.private import keep_tree_private
from core.repo.embedded_socket import SOCKET_NAME

__all__ = ["EmbeddedServerPaths", "ServerState"]


class EmbeddedServerPaths(LeaseFiles):
    def __init__(self, data_dir: Path) -> None:
        data_dir = Path(data_dir).absolute()
        super().__init__(data_dir, data_dir / "embedded", "the embedded database", SOCKET_NAME)
        self.database_dir = self.data_dir / "db"

    def directories(self) -> tuple[Path, ...]:
        return (*super().directories(), self.database_dir)

    def keep_private(self) -> None:
        """(In the server, as it starts.) Make every file of the server and the database
        0600: an older version left them readable by every local user."""
        for tree in (self.root, self.database_dir):
            keep_tree_private(tree)
