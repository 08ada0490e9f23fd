"""``marquee users|login|logout|whoami`` and what a command may do without a session."""

from __future__ import annotations

import io
import os
import stat
import sys
import time

import pytest

from console import context
from console.session import session_path, store, stored_token
from core.bootstrap import open_box_office
from core.errors import SessionInvalid
from core.models import Theater

PASSWORD = "correct horse"


@pytest.fixture
def typed(monkeypatch):
    """Lines given on stdin (a script piping the password in)."""

    def type_(*lines: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    return type_


def here() -> str:
    """Whose sessions the commands keep: this data dir's box office."""
    context.reset()
    return context.server_name()


@pytest.fixture
def signed_up(cli, typed):
    typed(PASSWORD)
    assert cli("users", "add", "ada", "--role", "admin").exit_code == 0
    return cli


def test_the_first_admin_needs_no_session_the_second_does(signed_up, typed):
    typed(PASSWORD)
    line = signed_up("users", "add", "bob", "--role", "admin").error_line()
    assert line == "error: not allowed: users manage (sign in with `marquee login`)"


def test_login_keeps_a_private_session_and_whoami_uses_it(signed_up, typed):
    typed(PASSWORD)
    result = signed_up("login", "ada")
    assert result.exit_code == 0 and "signed in as ada (admin)" in result.stdout
    path = session_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = path.read_text()
    assert token.split('"token": "')[1].split('"')[0] not in result.stdout
    assert signed_up("whoami", "--json").json() == {"login": "ada", "role": "admin", "theaters": []}
    typed(PASSWORD)
    created = signed_up("users", "add", "bob", "--role", "manager", "--theater", "rialto")
    assert "no theater 'rialto'" in created.error_line()  # signed in: refused for the data only
    assert signed_up("logout").stdout.strip() == "signed out"
    assert signed_up("whoami").stdout.strip() == "public (public)"


def test_a_wrong_password_is_one_line_that_names_nothing(signed_up, typed):
    typed("not the password")
    line = signed_up("login", "ada").error_line()
    typed("not the password")
    assert signed_up("login", "nobody").error_line() == line
    assert "sign-in failed" in line


def test_a_token_in_the_environment_wins_and_a_bad_one_is_refused(
    signed_up, typed, monkeypatch, box_office
):
    token = box_office.auth.sign_in("ada", PASSWORD).token
    monkeypatch.setenv("MARQUEE_TOKEN", token)
    assert signed_up("whoami").stdout.startswith("ada (admin)")
    monkeypatch.setenv("MARQUEE_TOKEN", token[:-3] + "abc")
    assert "sign in again" in signed_up("whoami").error_line()


def test_without_a_session_the_programme_is_readable_and_nothing_else(signed_up):
    assert signed_up("movies", "list").exit_code == 0
    line = signed_up("movies", "add", "Metropolis", "--runtime", "153").error_line()
    assert line.startswith("error: not allowed: catalog write")


def test_demo_prints_its_accounts_and_they_sign_in(cli, typed):
    result = cli("demo")
    assert result.exit_code == 0
    assert "`marquee login sam` with password marquee-staff" in result.stdout
    typed("marquee-staff")
    assert "signed in as sam (staff)" in cli("login", "sam").stdout
    assert cli("whoami", "--json").json()["theaters"] == ["downtown"]


def test_no_password_hash_or_token_in_any_output(signed_up, typed, box_office):
    typed(PASSWORD)
    outputs = [signed_up("login", "ada")]
    outputs += [signed_up("users", "list", "--json"), signed_up("users", "list")]
    outputs += [signed_up("whoami", "--json")]
    user = box_office.store.users.by_login("ada")
    token = session_path().read_text()
    for output in outputs:
        text = output.stdout + output.stderr
        assert user.password_hash not in text and "$2b$" not in text
        assert token.split('"token": "')[1].split('"')[0] not in text
        assert PASSWORD not in text


def test_no_secret_reaches_the_logs(signed_up, typed, box_office, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    typed(PASSWORD)
    signed_up("login", "ada")
    typed("a wrong one!")
    signed_up("login", "ada")
    signed_up("whoami")
    user = box_office.store.users.by_login("ada")
    token = session_path().read_text().split('"token": "')[1].split('"')[0]
    key = box_office.keys.current("sessions").secret
    logged = caplog.text
    for secret in (PASSWORD, "a wrong one!", user.password_hash, token, key):
        assert secret not in logged


def test_a_new_password_does_not_enable_a_disabled_account(signed_up, typed, box_office):
    typed(PASSWORD)
    signed_up("login", "ada")
    typed(PASSWORD)
    assert signed_up("users", "add", "bob", "--role", "admin").exit_code == 0
    assert signed_up("users", "disable", "bob").exit_code == 0
    typed("a brand new one")
    assert "new password set for bob" in signed_up("users", "reset-password", "bob").stdout
    states = {row["login"]: row["state"] for row in signed_up("users", "list", "--json").json()}
    assert states == {"ada": "active", "bob": "disabled"}
    typed("a brand new one")
    assert "sign-in failed" in signed_up("login", "bob").error_line()


def test_logout_ends_the_session_on_the_box_office(signed_up, typed, box_office):
    typed(PASSWORD)
    signed_up("login", "ada")
    token = stored_token(here())
    assert box_office.auth.actor_for(token).subject == "ada"
    assert signed_up("logout").stdout.strip() == "signed out"
    with pytest.raises(SessionInvalid, match="signed out"):
        box_office.auth.actor_for(token)


def test_a_stored_session_renews_its_short_access_token(signed_up, config):
    with open_box_office(config, clock=lambda: time.time() - 3600) as an_hour_ago:
        old = an_hour_ago.auth.sign_in("ada", PASSWORD)  # its access token has expired
    store(here(), old.token, "ada")
    assert signed_up("whoami").stdout.startswith("ada (admin)")
    assert stored_token(here()) != old.token
    assert signed_up("whoami").stdout.startswith("ada (admin)")  # the renewed one works


def test_set_role_ends_the_accounts_sessions(signed_up, typed, box_office, admin):
    box_office.store.theaters.insert(Theater(id="rialto", name="Rialto"))
    box_office.auth.add_user(admin, "sam", "Sam", "staff", PASSWORD, ["rialto"])
    sam = box_office.auth.sign_in("sam", PASSWORD).token
    typed(PASSWORD)
    signed_up("login", "ada")
    result = signed_up("users", "set-role", "sam", "--role", "manager", "--theater", "rialto")
    assert result.stdout.strip() == "sam is now manager at rialto; their sessions ended"
    with pytest.raises(SessionInvalid):
        box_office.auth.actor_for(sam)
    line = signed_up("users", "set-role", "sam", "--role", "boss").error_line()
    assert line == (
        "error: Invalid value for '--role': 'boss' is not one of 'staff', 'manager', 'admin'."
        " (see 'marquee users set-role --help')"
    )


def test_a_renewal_lost_to_another_command_uses_the_session_it_stored(
    signed_up, config, box_office, monkeypatch
):
    with open_box_office(config, clock=lambda: time.time() - 3600) as an_hour_ago:
        old = an_hour_ago.auth.sign_in("ada", PASSWORD).token  # its access token has expired
    other = box_office.auth.refresh(old)  # another command renewed it first...
    store(here(), other.token, "ada")
    seen = iter([old, other.token])  # ...between this command's two looks at the file
    monkeypatch.setattr("console.session.current_token", lambda server: old)
    monkeypatch.setattr("console.session.stored_token", lambda server: next(seen))
    assert signed_up("whoami").stdout.startswith("ada (admin)")
