"""``marquee db status|start|stop|backup|restore``: the embedded database server (and,
in the status, the local box-office server), its backups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from client.local_server import LocalServer
from console import context
from console.render import done, render_record
from core.bootstrap import back_up_database, embedded_database, restore_database
from core.config import Config, redact_uri
from core.errors import StorageError

app = typer.Typer(help="Show and control the embedded database server.", no_args_is_help=True)


@app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Where the data lives, whether the embedded server and the local box-office
    server are running, and which processes use them."""
    config = context.config()
    if config.mongo.uri:
        fields = {"mode": "external", "uri": redact_uri(config.mongo.uri)}
        render_record(fields | local_server_fields(config), as_json)
        return
    server = embedded_database(config).status()
    fields = {
        "mode": "embedded",
        "running": server is not None,
        "data_dir": str(config.data_dir),
        "database": config.mongo.db_name,
    }
    if server is not None:
        started = dt.datetime.fromtimestamp(server.started_at).astimezone()
        fields |= {
            "pid": server.pid,
            "socket": server.socket,
            "uri": server.uri,
            "started": started.isoformat(timespec="seconds"),
            "pinned": server.pinned,
            "clients": list(server.clients),
        }
    render_record(fields | local_server_fields(config), as_json)
    if not as_json and server is None:
        raise typer.Exit(0)


def local_server_fields(config: Config) -> dict[str, object]:
    """Whether this data dir's local box-office server runs, where, and who leases it."""
    server = LocalServer.of(config).status()
    if server is None:
        return {"local_server": False}
    return {
        "local_server": True,
        "local_server_pid": server.pid,
        "local_server_socket": server.socket,
        "local_server_clients": list(server.clients),
    }


@app.command("start")
def start() -> None:
    """Start the embedded server and keep it running until `marquee db stop`."""
    config = context.config()
    if config.mongo.uri:
        done(f"using an external database ({redact_uri(config.mongo.uri)}); nothing to start")
        return
    server = embedded_database(config).start_pinned()
    done(f"embedded database running on {server.socket} (pid {server.pid})")


@app.command("stop")
def stop(
    force: bool = typer.Option(False, "--force", help="Stop even while processes use it."),
) -> None:
    """Stop the embedded server (refused while a kiosk or console still uses it)."""
    config = context.config()
    if config.mongo.uri:
        done("using an external database; nothing to stop")
        return
    stopped = embedded_database(config).stop(force=force)
    done(f"embedded database stopped (pid {stopped.pid})" if stopped else "it was not running")


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="The archive to write (0600).")],
) -> None:
    """Copy the embedded database into FILE while the box office keeps running."""
    config = context.config()
    if config.mongo.uri:
        raise StorageError("the database is an external MongoDB: back it up with `mongodump`")
    summary = back_up_database(config, file)
    done(
        f"backed up {', '.join(summary.databases)} to {summary.path} "
        f"({summary.size // 1024 + 1} KiB)"
    )


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="An archive of `marquee db backup`.")],
) -> None:
    """Replace the embedded database by the backup FILE (refused while in use)."""
    config = context.config()
    if config.mongo.uri:
        raise StorageError("the database is an external MongoDB: restore it with `mongorestore`")
    local = LocalServer.of(config).paths
    if local.server_lock.exists() and local.server_running():
        raise StorageError(
            f"the local box-office server of {config.data_dir} is running: stop every "
            "Marquee terminal and command of this data dir, then restore again"
        )
    database = embedded_database(config)
    running = database.status()
    if running is not None and running.clients:
        pids = ", ".join(map(str, running.clients))
        raise StorageError(
            f"the embedded database is in use (pid {pids}): stop every Marquee process "
            "of this data dir, then restore again"
        )
    if running is not None:
        database.stop()  # lingering, or pinned by `marquee db start`, with no user
    restored = restore_database(config, file)
    done(f"restored {', '.join(restored)} from {file}")
