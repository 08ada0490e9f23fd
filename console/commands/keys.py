"""``marquee keys list|rotate|retire|import``: the keys that sign sessions and tickets.

They live in the box office's database, so these commands open it directly (like
``marquee db``) and are for admins. A key is shown by its id and a fingerprint;
its secret is never printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from console import context
from console.choices import KeyPurpose
from console.options import AsJson
from console.render import done, emit_json, local_time, render
from core.signing_keys import KeyInfo

keys = typer.Typer(help="The keys that sign sessions and tickets.", no_args_is_help=True)

COLUMNS = ["id", "purpose", "created", "retired", "fingerprint", "state"]


def register(app: typer.Typer) -> None:
    app.add_typer(keys, name="keys")


def key_row(key: KeyInfo) -> dict:
    if key.retired_at:
        state = "retired"
    elif not key.signs:
        state = "verifies old tokens"
    else:
        state = "current" if key.current else "verifies"
    return {
        "id": key.id,
        "purpose": key.purpose,
        "created": local_time(key.created_at),
        "retired": local_time(key.retired_at),
        "fingerprint": key.fingerprint,
        "state": state + (" (imported)" if key.imported else ""),
    }


def key_json(key: KeyInfo) -> dict:
    return {
        "id": key.id,
        "purpose": key.purpose,
        "created_at": key.created_at,
        "retired_at": key.retired_at,
        "fingerprint": key.fingerprint,
        "current": key.current,
        "imported": key.imported,
        "signs": key.signs,
    }


@keys.command("list")
def list_keys(as_json: AsJson = False) -> None:
    """Every signing key: current (signs now), verifies (signed earlier), retired."""
    found = context.core_box_office().keys.keys(context.core_actor())
    render(
        [key_row(key) for key in found],
        as_json,
        COLUMNS,
        title="Signing keys",
        json_rows=[key_json(key) for key in found],
    )


@keys.command("rotate")
def rotate(
    purpose: Annotated[KeyPurpose, typer.Argument(help="What the key signs.")],
    retire: Annotated[
        list[str] | None,
        typer.Option(
            "--retire",
            help="Then retire this older key (repeat): what it signed is refused from now on.",
            metavar="KID",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Make a new current key; older keys keep verifying what they signed (tickets sold)."""
    box_office, actor = context.core_box_office(), context.core_actor()
    new, retired = box_office.keys.rotate(actor, purpose.value, retire or [])
    if as_json:
        emit_json({"current": key_json(new), "retired": [key_json(key) for key in retired]})
        return
    done(f"new {new.purpose} key {new.id} (fingerprint {new.fingerprint})")
    for key in retired:
        done(f"retired {key.purpose} key {key.id}")


@keys.command("retire")
def retire_key(
    key_id: Annotated[str, typer.Argument(metavar="KID", help="The key's id.")],
    as_json: AsJson = False,
) -> None:
    """Stop an older key verifying: sessions and tickets it signed are refused."""
    key = context.core_box_office().keys.retire(context.core_actor(), key_id)
    if as_json:
        emit_json(key_json(key))
    else:
        done(f"retired {key.purpose} key {key.id}")


@keys.command("import")
def import_key(
    purpose: Annotated[KeyPurpose, typer.Argument(help="What the key signs.")],
    file: Annotated[Path, typer.Argument(help="Another machine's key file (hex).")],
    as_json: AsJson = False,
) -> None:
    """Import another machine's key file from before keys lived in the database: the
    tickets and sessions it signed then are accepted again. It never signs."""
    key = context.core_box_office().keys.import_key(context.core_actor(), purpose.value, file)
    if as_json:
        emit_json(key_json(key))
    else:
        done(f"imported {key.purpose} key {key.id} (fingerprint {key.fingerprint})")
