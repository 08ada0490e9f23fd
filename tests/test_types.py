"""Types: mypy, with the pydantic plugin, finds nothing wrong in core/, server/ and
client/ (the settings are ``[tool.mypy]`` in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_checks_core_server_and_client_with_the_pydantic_plugin():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = settings["tool"]["mypy"]
    assert mypy["files"] == ["core", "server", "client"]
    assert mypy["plugins"] == ["pydantic.mypy"]


@pytest.mark.timeout(300)  # a first run, with no cache, checks 180 modules
def test_mypy_finds_no_type_errors():
    # The cache (.mypy_cache, as ruff's) makes a run after the first one take seconds.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--show-error-codes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
