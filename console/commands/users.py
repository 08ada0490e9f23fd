"""``marquee users|login|logout|whoami``: staff accounts and this terminal's session.

Passwords are asked without echo, or read as one line from stdin when it is not
a terminal (for scripts). Neither passwords, hashes nor tokens are ever printed.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.text import Text

from console import context, session
from console.choices import StaffRole
from console.options import AsJson
from console.render import emit_json, render, stdout
from core.accounts import User
from core.errors import InvalidInput, SessionInvalid

users = typer.Typer(help="Staff, manager and admin accounts.", no_args_is_help=True)

Login = Annotated[str, typer.Argument(help="The account's sign-in name.")]


def register(app: typer.Typer) -> None:
    app.add_typer(users, name="users")
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)


def read_password(prompt: str = "Password", confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise InvalidInput("password", "none given on stdin")
        return line
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def account_row(user: User) -> dict:
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role,
        "theaters": ", ".join(user.theaters),
        "state": "disabled" if user.disabled else "active",
        "demo": user.demo,  # its password is public: printed by `marquee demo`
    }


@users.command("add")
def add_user(
    login: Login,
    role: Annotated[StaffRole, typer.Option("--role", help="What the account may do.")],
    name: Annotated[str | None, typer.Option("--name", help="Full name.")] = None,
    theater: Annotated[
        list[str] | None, typer.Option("--theater", help="A theater they work at (repeat).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Create an account (on a new box office: the first admin)."""
    box_office, actor = context.services(), context.actor()
    password = read_password("Password for the new account", confirm=True)
    user = box_office.auth.add_user(
        actor, login, name or login, role.value, password, theater or []
    )
    if as_json:
        emit_json(account_row(user))
    else:
        stdout.print(Text(f"created {user.role} {user.login}", "bold"))


@users.command("list")
def list_users(as_json: AsJson = False) -> None:
    """The accounts you may see (admins: all; managers: their theaters'). Demo accounts
    say so: their passwords are public."""
    box_office, actor = context.services(), context.actor()
    rows = [account_row(u) for u in box_office.auth.users(actor)]
    shown = [row | {"demo": "demo" if row["demo"] else ""} for row in rows]
    columns = ["login", "name", "role", "theaters", "state", "demo"]
    render(shown, as_json, columns, title="Accounts", json_rows=rows)


@users.command("disable")
def disable_user(login: Login) -> None:
    """Stop an account from signing in; its sessions end at once."""
    user = context.services().auth.disable(context.actor(), login)
    stdout.print(Text(f"disabled {user.login}", "bold"))


@users.command("reset-password")
def reset_password(login: Login) -> None:
    """Set a new password (and unlock); the account's sessions end. A disabled account
    stays disabled."""
    box_office, actor = context.services(), context.actor()
    password = read_password("New password", confirm=True)
    user = box_office.auth.reset_password(actor, login, password)
    stdout.print(Text(f"new password set for {user.login}", "bold"))


@users.command("set-role")
def set_role(
    login: Login,
    role: Annotated[StaffRole, typer.Option("--role", help="What the account may do.")],
    theater: Annotated[
        list[str] | None, typer.Option("--theater", help="A theater they work at (repeat).")
    ] = None,
) -> None:
    """Give an account another role or other theaters; its sessions end at once."""
    box_office, actor = context.services(), context.actor()
    user = box_office.auth.change_role(actor, login, role.value, theater or [])
    where = f" at {', '.join(user.theaters)}" if user.theaters else ""
    stdout.print(Text(f"{user.login} is now {user.role}{where}; their sessions ended", "bold"))


def login(name: Login) -> None:
    """Sign in to this box office; the session is kept for this user of this computer only,
    one per server."""
    signed = context.services().sign_in(name, read_password())
    path = session.store(context.server_name(), signed.token, signed.login)
    until = signed.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")  # renewed until then
    stdout.print(Text(f"signed in as {signed.login} ({signed.role}) until {until}"))
    stdout.print(Text(f"session kept in {path}", "dim"))


def logout() -> None:
    """End this terminal's session: the server refuses its token from now on."""
    server = context.server_name()
    token = session.stored_token(server)
    if token is None:
        stdout.print("not signed in")
        return
    box_office = context.services()
    box_office.token = token
    try:
        box_office.sign_out()
    except SessionInvalid:
        pass  # over already (expired, or ended by a new password)
    finally:
        session.forget(server)
    stdout.print("signed out")


def whoami(as_json: AsJson = False) -> None:
    """Who the commands run as."""
    actor = context.actor()
    row = {"login": actor.subject, "role": actor.role, "theaters": list(actor.theaters)}
    if as_json:
        emit_json(row)
        return
    where = f" at {', '.join(actor.theaters)}" if actor.theaters else ""
    stdout.print(Text(f"{actor.subject} ({actor.role}){where}"))
