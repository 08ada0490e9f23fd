"""``marquee --version``: the installed version, without touching the box office."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version_and_exits_0(tmp_path):
    # A data dir that does not exist: the version needs no database and makes none.
    data_dir = tmp_path / "never-made"
    result = subprocess.run(
        [sys.executable, "-c", "from console.cli import run; run()", "--version"],
        capture_output=True,
        text=True,
        env={"MARQUEE_DATA_DIR": str(data_dir), "PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"marquee {version('marquee')}"
    assert not data_dir.exists()
