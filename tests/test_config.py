"""Configuration: defaults < file < environment, and one clear line for every mistake."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.config import Config, load_config, redact_uri
from core.errors import ConfigError
from core.money import minor_digits

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path):
    config = load_config(environ={"HOME": str(tmp_path)}, cwd=tmp_path)
    assert config.mongo.uri == ""
    assert config.mongo.db_name == "marquee"
    assert config.booking.hold_minutes_kiosk == 8
    assert config.data_dir == tmp_path / ".local" / "share" / "marquee"


def test_the_shipped_config_file_equals_the_defaults_and_documents_every_key():
    shipped = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    assert Config.model_validate(shipped) == Config()
    text = (ROOT / "config.toml").read_text(encoding="utf-8").splitlines()
    for section, model in Config.model_fields.items():
        assert section in shipped, f"[{section}] missing from config.toml"
        for key in model.annotation.model_fields:
            line = next(i for i, row in enumerate(text) if row.startswith(f"{key} ="))
            assert text[line - 1].startswith("#") or "#" in text[line], f"{section}.{key}"


def test_file_then_environment_override(tmp_path):
    write(
        tmp_path / "config.toml", '[booking]\nmax_seats_per_booking = 6\n[mongo]\ndb_name = "a"\n'
    )
    env = {"MARQUEE_DB_NAME": "b", "MARQUEE_BOOKING_GAP_RULE": "refuse", "HOME": str(tmp_path)}
    config = load_config(environ=env, cwd=tmp_path)
    assert config.booking.max_seats_per_booking == 6
    assert config.mongo.db_name == "b"
    assert config.booking.gap_rule == "refuse"


def test_marquee_config_names_the_file_and_it_wins_over_the_local_one(tmp_path):
    write(tmp_path / "config.toml", "[booking]\nmax_seats_per_booking = 6\n")
    named = write(tmp_path / "other.toml", "[booking]\nmax_seats_per_booking = 4\n")
    config = load_config(environ={"MARQUEE_CONFIG": str(named)}, cwd=tmp_path)
    assert config.booking.max_seats_per_booking == 4


def test_user_config_dir_is_the_last_resort(tmp_path):
    user = tmp_path / "xdg" / "marquee"
    user.mkdir(parents=True)
    write(user / "config.toml", '[pricing]\ncurrency = "EUR"\n')
    config = load_config(environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, cwd=tmp_path)
    assert config.pricing.currency == "EUR"


def test_relative_data_dir_is_relative_to_the_file(tmp_path):
    write(tmp_path / "config.toml", '[data]\ndir = "state"\n')
    config = load_config(environ={}, cwd=tmp_path)
    assert config.data_dir == (tmp_path / "state").resolve()


@pytest.mark.parametrize(
    ("text", "env", "key", "phrase"),
    [
        ("[booking]\nmax_seats = 4\n", {}, "booking.max_seats", "unknown key"),
        ("[bookings]\n", {}, "bookings", "unknown key"),
        (
            '[booking]\nmax_seats_per_booking = "4"\n',
            {},
            "booking.max_seats_per_booking",
            "integer",
        ),
        ("[booking]\nmax_seats_per_booking = 0\n", {}, "booking.max_seats_per_booking", "greater"),
        ('[booking]\ngap_rule = "maybe"\n', {}, "booking.gap_rule", "'off', 'warn' or 'refuse'"),
        ('[pricing]\ncurrency = "dollars"\n', {}, "pricing.currency", "pattern"),
        ("[booking]\nreconcile_every_s = -1\n", {}, "booking.reconcile_every_s", "greater"),
        (
            "",
            {"MARQUEE_BOOKING_SALES_CLOSE_MINUTES_AFTER_START": "-5"},
            "booking.sales_close_minutes_after_start",
            "greater",
        ),
        (
            "",
            {"MARQUEE_BOOKING_MAX_SEATS_PER_BOOKING": "ten"},
            "MARQUEE_BOOKING_MAX_SEATS_PER_BOOKING",
            "whole number",
        ),
        (
            "",
            {"MARQUEE_BOOKING_GAP_RULE": "x"},
            "MARQUEE_BOOKING_GAP_RULE",
            "one of off, warn, refuse",
        ),
        ("[mongo\n", {}, "config.toml", "not valid TOML"),
    ],
)
def test_bad_config_gives_one_line_naming_the_key(tmp_path, text, env, key, phrase):
    write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as raised:
        load_config(environ=env, cwd=tmp_path)
    message = str(raised.value)
    assert "\n" not in message
    assert key in message
    assert phrase in message


def test_missing_named_file(tmp_path):
    with pytest.raises(ConfigError, match="MARQUEE_CONFIG: no such file"):
        load_config(environ={"MARQUEE_CONFIG": str(tmp_path / "nope.toml")}, cwd=tmp_path)


def test_passwords_in_uris_are_never_shown():
    assert (
        redact_uri("mongodb://ann:s3cret@db.example:27017/x")
        == "mongodb://ann:***@db.example:27017/x"
    )
    assert redact_uri("mongodb://localhost") == "mongodb://localhost"


def test_the_cli_stops_on_bad_config_with_one_line_and_exit_2(cli, tmp_path, monkeypatch):
    bad = write(tmp_path / "bad.toml", "[booking]\nmax_seats = 3\n")
    monkeypatch.setenv("MARQUEE_CONFIG", str(bad))
    result = cli("movies", "list")
    assert result.exit_code == 2
    assert result.error_line() == "error: config: booking.max_seats: unknown key"


def test_the_cli_says_so_in_one_line_when_the_database_is_unreachable(cli, monkeypatch):
    monkeypatch.setenv("MARQUEE_MONGO_URI", "mongodb://127.0.0.1:1")
    monkeypatch.setenv("MARQUEE_MONGO_CONNECT_TIMEOUT_S", "0.5")
    result = cli("movies", "list")
    assert result.exit_code == 3
    assert result.error_line().startswith("error: cannot reach mongodb://127.0.0.1:1")


# -- secrets, currencies and files or addresses that cannot be used ------------------------
SECRET = "sk_live_SECRET123"


@pytest.mark.parametrize(
    "text",
    [
        f'[stripe]\napi_key = ["{SECRET}"]\n',
        f"[stripe]\nwebhook_secret = {{ value = '{SECRET}' }}\n",
        f'[paypal]\nclient_secret = ["{SECRET}"]\n',
        f'[sendgrid]\napi_key = ["{SECRET}"]\n',
        f'[twilio]\nauth_token = ["{SECRET}"]\n',
        f'[smtp]\npassword = ["{SECRET}"]\n',
    ],
)
def test_a_config_error_never_repeats_a_secret(cli, tmp_path, monkeypatch, text):
    monkeypatch.setenv("MARQUEE_CONFIG", str(write(tmp_path / "secret.toml", text)))
    result = cli("movies", "list")
    line = result.error_line()
    assert result.exit_code == 2
    assert line.startswith("error: config: ")
    assert SECRET not in result.stdout + result.stderr


def test_secrets_are_kept_out_of_the_configs_text(tmp_path):
    config = load_config(environ={"MARQUEE_STRIPE_API_KEY": SECRET}, cwd=tmp_path)
    assert config.stripe.api_key.get_secret_value() == SECRET
    assert SECRET not in repr(config) + str(config) + config.model_dump_json()


@pytest.mark.parametrize("code", ["XYZ", "EUX", "ABC"])
def test_a_currency_must_be_one_iso_4217_knows(tmp_path, code):
    with pytest.raises(ConfigError, match=f"pricing.currency: '{code}' is not an ISO 4217"):
        load_config(environ={"MARQUEE_PRICING_CURRENCY": code}, cwd=tmp_path)


@pytest.mark.parametrize(("code", "digits"), [("EUR", 2), ("KWD", 3), ("ISK", 0), ("CLF", 4)])
def test_every_iso_4217_currency_is_accepted_with_its_minor_unit(tmp_path, code, digits):
    config = load_config(environ={"MARQUEE_PRICING_CURRENCY": code}, cwd=tmp_path)
    assert config.pricing.currency == code
    assert minor_digits(code) == digits


def test_a_binary_config_file_is_one_line(tmp_path):
    binary = tmp_path / "config.toml"
    binary.write_bytes(b"\x00\xff\xfe\x80\x1b[2J")
    with pytest.raises(ConfigError, match=r"config.toml: is not a UTF-8 text file"):
        load_config(environ={}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://u:p4ss@[bad", "mongodb://u:***@[bad is not a valid MongoDB URI"),
        ("mongodb://host:notaport/", "mongodb://host:notaport/ is not a valid MongoDB URI"),
    ],
)
def test_a_mongo_uri_that_cannot_be_parsed_is_one_line(cli, monkeypatch, uri, shown):
    monkeypatch.setenv("MARQUEE_MONGO_URI", uri)
    result = cli("movies", "list")
    assert result.exit_code == 2
    assert result.error_line().startswith(f"error: config: mongo.uri: {shown} (")
    assert "p4ss" not in result.stderr


@pytest.mark.parametrize("data_dir", ["/proc/self", "/dev/null"])
@pytest.mark.parametrize("embedded", [True, False])
def test_a_data_dir_that_cannot_be_used_is_one_line(cli, monkeypatch, data_dir, embedded):
    monkeypatch.setenv("MARQUEE_DATA_DIR", data_dir)
    if embedded:  # the embedded server's files live there too
        monkeypatch.delenv("MARQUEE_MONGO_URI")
    result = cli("movies", "list")
    assert result.exit_code == 2
    assert result.error_line().startswith(f"error: config: data.dir: {data_dir} ")
