"""Running the app under uvicorn, the same way for ``marquee serve`` and the local server."""

from __future__ import annotations

from typing import Any

import uvicorn

# Quiet: problems go to the server's log; no access log, no Server header.
OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "server_header": False,
    "proxy_headers": False,  # the client's address is the peer's, not a header's
}


class QuietServer(uvicorn.Server):
    """Stops on Ctrl+C or SIGTERM and exits 0, the normal way to stop a server
    (uvicorn raises the signal again once stopped, which would kill the process)."""

    def handle_exit(self, sig, frame) -> None:
        # Open seat streams end first: uvicorn would wait for them forever.
        feeds = getattr(getattr(self.config.app, "state", None), "seat_feeds", None)
        if feeds is not None:
            feeds.close()
        super().handle_exit(sig, frame)
        self._captured_signals.clear()
