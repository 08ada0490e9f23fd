"""``marquee config path|show`` and the machine-wide config file of a server install."""

from __future__ import annotations

import pytest

from core import config as config_module
from core.config import SecretStr, load_config

URI_PASSWORD = "hunter2-in-the-uri"


def secret_keys() -> list[tuple[str, str]]:
    return [
        (section, key)
        for section, field in config_module.Config.model_fields.items()
        for key, inner in field.annotation.model_fields.items()
        if inner.annotation is SecretStr
    ]


@pytest.fixture
def system_config(tmp_path, monkeypatch):
    """A stand-in for /etc/marquee/config.toml."""
    path = tmp_path / "etc" / "marquee" / "config.toml"
    path.parent.mkdir(parents=True)
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG", path)
    return path


def test_the_machines_config_is_read_when_no_other_is_found(tmp_path, system_config):
    system_config.write_text('[pricing]\ncurrency = "EUR"\n', encoding="utf-8")
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}

    assert load_config(environ=environ, cwd=tmp_path).pricing.currency == "EUR"

    user = tmp_path / "xdg" / "marquee" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[pricing]\ncurrency = "JPY"\n', encoding="utf-8")
    assert load_config(environ=environ, cwd=tmp_path).pricing.currency == "JPY"  # the user's wins


def test_config_path_names_the_file_and_where_it_was_found(cli, tmp_path, system_config):
    assert cli("config", "path").stdout.strip() == (
        "- (none found: built-in defaults and MARQUEE_* variables only)"
    )
    system_config.write_text("", encoding="utf-8")
    found = cli("config", "path", "--json").json()
    assert found == {
        "path": str(system_config),
        "found": f"this machine's ({system_config.parent})",
    }
    (tmp_path / "config.toml").write_text("", encoding="utf-8")  # the current directory's
    assert cli("config", "path").stdout.strip() == (
        f"{tmp_path / 'config.toml'} (in the current directory)"
    )


def test_config_show_hides_every_secret(cli, monkeypatch, tmp_path):
    from_env = [(section, key) for section, key in secret_keys() if section != "smtp"]
    secrets = {
        f"known-secret-{section}-{key}-0123456789": (section, key) for section, key in from_env
    }
    for value, (section, key) in secrets.items():
        monkeypatch.setenv(f"MARQUEE_{section}_{key}".upper(), value)
    monkeypatch.setenv("MARQUEE_MONGO_URI", f"mongodb://ann:{URI_PASSWORD}@db.example:27017/")
    (tmp_path / "config.toml").write_text('[smtp]\npassword = "file-secret-42"\n', "utf-8")

    shown = cli("config", "show")
    as_json = cli("config", "show", "--json")

    assert shown.exit_code == 0 and as_json.exit_code == 0, shown.stderr + as_json.stderr
    for text in (shown.stdout + shown.stderr, as_json.stdout + as_json.stderr):
        for value in [*secrets, URI_PASSWORD, "file-secret-42"]:
            assert value not in text
    values = as_json.json()
    assert all(values[section][key] == "(set, hidden)" for section, key in secret_keys())
    assert values["mongo"]["uri"] == "mongodb://ann:***@db.example:27017/"
    assert 'password = "(set, hidden)"' in shown.stdout
    assert values["pricing"]["currency"] == "USD"  # every other key as it is


def test_config_show_leaves_an_unset_secret_empty(cli):
    values = cli("config", "show", "--json").json()
    assert values["stripe"]["api_key"] == ""
