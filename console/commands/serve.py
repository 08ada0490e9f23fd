"""``marquee serve``: the box-office server, the one process that opens the database."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from console import context
from console.options import LogLevel
from console.render import stdout
from core.config import prepare_data_dir
from core.errors import InvalidInput
from core.logfile import log_for

MAX_WORKERS = 64


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8700,
    workers: Annotated[
        int, typer.Option("--workers", help="Server processes sharing the port.")
    ] = 1,
    log_level: LogLevel = None,
) -> None:
    """Run the box-office server: the HTTP API the terminals and the CLI use."""
    import uvicorn  # loads only when the server runs

    from server.app import create_app
    from server.local_token import announce, local_token, withdraw
    from server.running import OPTIONS, QuietServer

    if not 1 <= port <= 65535:
        raise InvalidInput("port", f"{port} is not a port from 1 to 65535")
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput("workers", f"must be from 1 to {MAX_WORKERS}")
    check_free(host, port)
    config = context.config()
    data_dir = prepare_data_dir(config.data_dir)
    for logger in ("", "uvicorn"):  # Marquee's own records and the HTTP server's
        log_for(config, "server.log", logger, level=log_level)
    token = local_token(data_dir)  # the one any other server of this data dir uses too
    options = {
        **OPTIONS,
        "host": host,
        "port": port,
    }
    stdout.print(f"box-office server on http://{host}:{port} (Ctrl-C stops)")
    # This machine's terminals and commands find it (and use it) instead of serving
    # their own; a wildcard address is reached on loopback.
    local_host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)
    announce(data_dir, f"http://{local_host}:{port}")
    try:
        if workers == 1:
            application = create_app(context.core_box_office(), token=token, reconcile=True)
            QuietServer(uvicorn.Config(application, **options)).run()
        else:
            # Each worker opens its own box office from the same config (the environment).
            uvicorn.run("server.app:app_from_environment", factory=True, workers=workers, **options)
    finally:
        withdraw(data_dir)


def check_free(host: str, port: int) -> None:
    """Refuse a port that cannot be listened on, in one line (before any worker starts)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise InvalidInput("port", f"{host}:{port} cannot be used ({error.strerror})") from None
