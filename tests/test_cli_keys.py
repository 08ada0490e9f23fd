"""``marquee keys list|rotate|retire``: admins rotate the signing keys; no secret is printed."""

from __future__ import annotations

import pytest

from core.tickets import new_key

PASSWORD = "correct horse"


@pytest.fixture
def as_admin(box_office, admin, monkeypatch):
    box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    monkeypatch.setenv("MARQUEE_TOKEN", box_office.auth.sign_in("ada", PASSWORD).token)


@pytest.fixture
def outputs(cli, as_admin):
    """Every run of the test, to look for secrets in at the end."""
    runs = []

    def run(*args: str):
        result = cli(*args)
        runs.append(result)
        return result

    run.runs = runs
    return run


def secrets_of(box_office) -> list[str]:
    keys = box_office.store.signing_keys.find({})
    return [text for key in keys for text in (key.secret, key.secret[:16], key.secret[-16:])]


def test_rotate_list_and_retire(outputs, box_office):
    box_office.keys.current("tickets")  # a ticket was printed: the first ticket key exists
    listed = outputs("keys", "list", "--json").json()
    assert [(k["purpose"], k["current"], k["retired_at"]) for k in listed] == [
        ("sessions", True, None),
        ("tickets", True, None),
    ]
    first = listed[1]
    assert first["fingerprint"] == box_office.keys.current("tickets").fingerprint
    assert set(first) == {
        "id",
        "purpose",
        "created_at",
        "retired_at",
        "fingerprint",
        "current",
        "imported",
        "signs",
    }

    rotated = outputs("keys", "rotate", "tickets")
    assert rotated.exit_code == 0, rotated.stderr
    new = box_office.keys.current("tickets")
    assert rotated.stdout.strip() == f"new tickets key {new.id} (fingerprint {new.fingerprint})"

    table = outputs("keys", "list")
    assert table.exit_code == 0
    for key_id, state in ((first["id"], "verifies"), (new.id, "current")):
        [row] = [line for line in table.stdout.splitlines() if key_id in line]
        assert state in row and "tickets" in row

    refused = outputs("keys", "retire", new.id).error_line()
    assert refused == f"error: key: {new.id} is the current tickets key: rotate first"
    retired = outputs("keys", "retire", first["id"], "--json").json()
    assert (retired["id"], retired["current"]) == (first["id"], False)
    assert retired["retired_at"] is not None

    again = outputs("keys", "rotate", "tickets", "--retire", new.id, "--json").json()
    assert again["current"]["id"] == box_office.keys.current("tickets").id != new.id
    assert [key["id"] for key in again["retired"]] == [new.id]
    states = {
        k["id"]: (k["current"], k["retired_at"] is not None)
        for k in outputs("keys", "list", "--json").json()
    }
    assert states[first["id"]] == states[new.id] == (False, True)

    audited = outputs("audit", "list", "--json").json()
    actions = [(entry["action"], entry["target"]) for entry in audited]
    assert ("signing key rotated", new.id) in actions
    assert ("signing key retired", first["id"]) in actions

    for run in outputs.runs:
        for secret in secrets_of(box_office):
            assert secret not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("rotate", "cookies"),
            "error: Invalid value for 'purpose': 'cookies' is not one of 'sessions',"
            " 'tickets'. (see 'marquee keys rotate --help')",
        ),
        (("retire", "nokey999"), "error: no signing key 'nokey999'"),
        (("retire", "\x1b[31mred"), "error: no signing key '\\x1b[31mred'"),
        (("rotate", "tickets", "--retire", "nokey999"), "error: no signing key 'nokey999'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(outputs, box_office, args, line):
    before = box_office.store.signing_keys.find({})
    assert outputs("keys", *args).error_line() == line
    assert box_office.store.signing_keys.find({}) == before


def test_another_machines_key_file_is_imported_to_verify_only(outputs, box_office, tmp_path):
    current = box_office.keys.current("tickets")
    theirs = tmp_path / "their-ticket.key"
    theirs.write_text(new_key().hex() + "\n")
    imported = outputs("keys", "import", "tickets", str(theirs), "--json").json()
    assert (imported["signs"], imported["current"], imported["imported"]) == (False, False, True)
    assert box_office.keys.current("tickets").id == current.id  # still signs
    [row] = [line for line in outputs("keys", "list").stdout.splitlines() if imported["id"] in line]
    assert "verifies old tokens" in row
    again = outputs("keys", "import", "tickets", str(theirs)).error_line()
    assert again == f"error: file: its key is already tickets key {imported['id']}"
    missing = outputs("keys", "import", "tickets", str(tmp_path / "nope.key")).error_line()
    assert missing == f"error: file: no file {tmp_path / 'nope.key'}"
    (tmp_path / "bad.key").write_text("zz")
    bad = outputs("keys", "import", "sessions", str(tmp_path / "bad.key")).error_line()
    assert bad == f"error: file: cannot read a key from {tmp_path / 'bad.key'} (not hex)"
    assert len(box_office.store.signing_keys.find({})) == 3  # sessions, tickets, imported
    actions = [(e["action"], e["target"]) for e in outputs("audit", "list", "--json").json()]
    assert ("signing key imported", imported["id"]) in actions
    for run in outputs.runs:
        for secret in secrets_of(box_office):
            assert secret not in run.stdout + run.stderr


def test_only_admins_manage_keys(cli, box_office, admin, monkeypatch):
    box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", PASSWORD)
    box_office.venues.add_theater(admin, name="Roxy", theater_id="roxy")
    box_office.auth.add_user(admin, "mia", "Mia Manager", "manager", PASSWORD, ["roxy"])
    monkeypatch.setenv("MARQUEE_TOKEN", box_office.auth.sign_in("mia", PASSWORD).token)
    for args in (
        ("list",),
        ("rotate", "tickets"),
        ("retire", "abcdefgh"),
        ("import", "tickets", "x.key"),
    ):
        assert cli("keys", *args).error_line() == "error: not allowed: keys manage"
    monkeypatch.delenv("MARQUEE_TOKEN")
    line = cli("keys", "list").error_line()
    assert line == "error: not allowed: keys manage (sign in with `marquee login`)"
    assert [key.purpose for key in box_office.store.signing_keys.find({})] == ["sessions"]
