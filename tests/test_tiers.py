"""Every slow test sits in its tier, so that `-m "not ui and not processes"` is really fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tiers import tiers_of

TESTS = Path(__file__).resolve().parent


def test_a_module_that_drives_an_app_is_ui():
    assert tiers_of("async def test_it(app):\n    async with app.run_test() as pilot: ...\n") == {
        "ui"
    }
    assert tiers_of("def test_look(snap_compare):\n    assert snap_compare(APP)\n") == {"ui"}


def test_a_module_that_starts_processes_is_processes():
    assert tiers_of("import os\nimport subprocess\n") == {"processes"}
    assert tiers_of("import multiprocessing as mp\n") == {"processes"}
    assert tiers_of("from subprocess import Popen\n") == {"processes"}


def test_a_plain_module_is_in_the_fast_tier():
    assert tiers_of('"""Runs subprocess-free."""\nimport json\n\ndef test_x(cli): ...\n') == set()


def collected(*args: str) -> set[str]:
    """The files of the tests that ``pytest --collect-only ARGS`` selects."""
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
        ]
        + list(args),
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {line.split("::")[0] for line in listed.splitlines() if "::" in line}


def test_the_collected_tests_carry_their_tier():
    modules = ["tests/test_kiosk_flow.py", "tests/test_payment_crashes.py", "tests/test_layout.py"]
    assert collected("-m", "ui", *modules) == {"tests/test_kiosk_flow.py"}
    assert collected("-m", "processes", *modules) == {"tests/test_payment_crashes.py"}
    assert collected("-m", "not ui and not processes", *modules) == {"tests/test_layout.py"}


@pytest.mark.parametrize("mark", ["ui", "processes"])
def test_the_tiers_are_registered(pytestconfig, mark):
    assert any(line.startswith(f"{mark}:") for line in pytestconfig.getini("markers"))


def test_the_tests_about_the_embedded_server_itself_are_marked():
    # test_db_backup.py by its fixture (an embedded server of the test's own).
    modules = ["tests/test_embedded.py", "tests/test_db_backup.py", "tests/test_layout.py"]
    assert collected("-m", "embedded_only", *modules) == {
        "tests/test_embedded.py",
        "tests/test_db_backup.py",
    }


def test_on_a_mongodb_of_its_own_they_are_skipped_saying_why():
    # Nothing connects: the only test selected is skipped before it starts.
    environment = dict(os.environ, MARQUEE_TEST_MONGO_URI="mongodb://127.0.0.1:9/")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "-rs"]
        + ["tests/test_db_backup.py", "-k", "keeps_its_archive_private"],
        cwd=TESTS.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "about the embedded server itself" in result.stdout
