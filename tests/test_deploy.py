"""The sample service files in deploy/: what they run exists, and they keep the
settings that make them safe to leave running."""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
ROOT = DEPLOY.parent


def unit(name: str) -> configparser.ConfigParser:
    # strict=False: systemd allows a key (Environment=) more than once.
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def exec_args(parsed: configparser.ConfigParser) -> list[str]:
    program, *args = shlex.split(parsed["Service"]["ExecStart"])
    assert program.startswith("/opt/marquee/bin/")
    return [Path(program).name, *args]


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("marquee-server.service", ["marquee", "serve"]),
        ("marquee-notify.service", ["marquee", "notify", "worker"]),
    ],
)
def test_the_server_and_the_worker_restart_on_failure_as_their_own_user(cli, name, command):
    parsed = unit(name)
    service = parsed["Service"]

    args = exec_args(parsed)
    assert args[: len(command)] == command
    assert cli(*args[1:], "--help").exit_code == 0  # the command and its options exist
    assert service["Restart"] == "on-failure"
    assert service["User"] == "marquee" and service["Group"] == "marquee"
    assert service["StateDirectory"] == "marquee" and service["StateDirectoryMode"] == "0700"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert parsed["Install"]["WantedBy"] == "multi-user.target"


def test_the_kiosk_owns_its_console_and_never_leaves_a_shell():
    parsed = unit("marquee-kiosk@.service")
    service = parsed["Service"]

    assert exec_args(parsed) == ["marquee-kiosk"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "marquee-kiosk" in pyproject["project"]["scripts"]
    assert service["TTYPath"] == "/dev/%I"
    assert service["StandardInput"] in {"tty", "tty-force"}
    assert service["StandardOutput"] == "tty"
    assert parsed["Unit"]["Conflicts"] == "getty@%i.service"  # no login prompt on it
    assert service["Restart"] == "always"  # quitting or crashing starts it again
    assert service["User"] == "marquee-kiosk" and service["User"] != "root"
    assert "nologin" in (DEPLOY / "marquee-kiosk@.service").read_text(encoding="utf-8")


def test_the_image_runs_the_server_as_a_user_with_a_health_check():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    instructions = re.findall(r"^([A-Z]+) (.*)$", text.replace("\\\n", " "), re.MULTILINE)
    last = {keyword: value for keyword, value in instructions}

    user = last["USER"].split(":")[0]
    assert user not in {"root", "0"}
    assert "http://127.0.0.1:8700/health" in last["HEALTHCHECK"]
    assert "MARQUEE_MONGO_URI" in text
    assert last["CMD"] == '["marquee", "serve", "--host", "0.0.0.0", "--port", "8700"]'
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    copied = {value.split()[0] for keyword, value in instructions if keyword == "COPY"}
    assert set(packages) <= copied  # every package of the project goes into the image
