"""Every command example in README.md runs as written, in order, on one fresh data dir.

The ``sh`` blocks of the README are read in order; each ``marquee`` command in them
runs in-process through the CLI (as the ``cli`` fixture runs it) and must exit 0.
Left out, and only these:

- lines that are not ``marquee`` commands: setting up Python (``python3 -m venv``,
  ``pip``), ``export`` of provider keys, and ``pytest`` (the suite this test is in);
- the interactive terminals and long-running servers: ``marquee kiosk``, ``console``
  and ``door``, ``marquee serve``, ``marquee notify worker`` (without ``--once``);
- ``--install-completion``, which would change this user's shell start-up files.

Words in capitals the README uses as placeholders (SHOW, a showtime id; AYNDBU, a
booking reference; TOKEN, a ticket token; KID, a key id; ID or REF, a message) are
given the values the commands before them made, and ``[optional]`` parts are run as
given.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import shlex
import sys
from pathlib import Path

from core.services.access import Actor

README = Path(__file__).resolve().parent.parent / "README.md"
INTERACTIVE = {"kiosk", "console", "door", "serve"}


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def commands(text: str) -> list[str]:
    """The README's marquee commands in order, continuation lines joined, comments off."""
    found = []
    for block in shell_blocks(text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                words = words[1:]  # an environment assignment before the command
            if words and words[0] == "marquee":
                found.append(line)
    return found


def runs_here(words: list[str]) -> bool:
    if len(words) < 2 or words[1] in INTERACTIVE or "--install-completion" in words:
        return False
    return not (words[1:3] == ["notify", "worker"] and "--once" not in words)


def test_readme_examples_run_in_order(cli, box_office, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    cli.box_office = box_office  # for a session token (MARQUEE_TOKEN=...)
    layout = re.search(r"^```text\n(# Hall 2.*?)^```", README.read_text(), re.M | re.S)
    (tmp_path / "hall.txt").write_text(layout.group(1))
    values: dict[str, str] = {}
    ran = []
    for line in commands(README.read_text()):
        env = dict(re.findall(r"^([A-Z_]+)=(\S+) ", line))
        words = shlex.split(re.sub(r"^([A-Z_]+=\S+ )+", "", line), comments=True)
        if not runs_here([w.strip("[]") for w in words]):
            continue
        words = placeholders(words, values, cli)
        for name, value in env.items():
            monkeypatch.setenv(name, placeholders([value], values, cli)[0])
        monkeypatch.setattr(sys, "stdin", io.StringIO(password_for(words)))
        result = cli(*words[1:])
        for name in env:
            monkeypatch.delenv(name)
        assert result.exit_code == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        ran.append(line)
    assert len(ran) > 40


def password_for(words: list[str]) -> str:
    if words[1] == "login":
        return {"admin": "marquee-admin"}.get(words[2], "a-long-password") + "\n"
    return "a-long-password\n"


def placeholders(words: list[str], values: dict[str, str], cli) -> list[str]:
    """Optional options as given, optional arguments left out, alternatives as their
    first, placeholders filled."""
    out = []
    for word in words:
        if word.startswith("[") and not word.startswith("[-"):
            continue  # an optional argument: left out ('requeue [ID|REF]': all failed)
        word = word.strip("[]").split("|")[0]
        if word in FINDERS:
            word = value_of(word, values, cli)
        out.append(word)
    return out


def value_of(name: str, values: dict[str, str], cli) -> str:
    if name not in values:
        values[name] = FINDERS[name](cli)
    return values[name]


def _json(cli, *args: str):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


FINDERS = {
    "SHOW": lambda cli: [  # a show to come in the big hall (rows A to T)
        show["id"]
        for show in _json(cli, "shows", "list", "--theater", "downtown")
        if show["auditorium_id"] == "downtown-1"
    ][-1],
    "AYNDBU": lambda cli: next(
        b["reference"]
        for b in _json(cli, "bookings", "list")
        if any(s["seat_id"] == "H4" and s["status"] == "active" for s in b["seats"])
    ),
    "TOKEN": lambda cli: ticket_at_open_doors(cli.box_office),
    "KID": lambda cli: next(  # the sessions key in use before the rotation
        key["id"]
        for key in _json(cli, "keys", "list")
        if key["purpose"] == "sessions" and key["current"]
    ),
    "FILE": lambda cli: another_machines_key_file(),
    "ID": lambda cli: _json(cli, "notify", "outbox")[0]["id"],
    "S": lambda cli: "1",  # seconds between rounds
    "...": lambda cli: cli.box_office.auth.sign_in("ada", "a-long-password").token,
}


def ticket_at_open_doors(box_office) -> str:
    """A ticket of a showtime starting in ten minutes (its doors are open): one the
    door admits."""
    admin = Actor.local_admin()
    show = box_office.schedule.add_showtime(
        admin,
        movie_id="heat",
        auditorium_id="downtown-screen-4",
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10),
        price_card_id="standard",
    )
    basket = box_office.booking.new_basket(admin, show.id)
    box_office.booking.hold(admin, basket.id, ["B1"])
    booking = box_office.checkout.checkout(admin, basket.id, "simulated")
    [(_, token)] = box_office.tickets.tickets(admin, booking.reference)
    return token


def another_machines_key_file() -> str:
    path = Path("old-ticket.key")
    path.write_text(secrets.token_hex(32))
    return str(path)
