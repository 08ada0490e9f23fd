"""The wheel: the sample config, the licence and the metadata an installer shows."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = (".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: a build in the checkout leaves build/ and rewrites the egg-info
    # that the running tests' editable install reads.
    source = tmp_path_factory.mktemp("source") / "marquee"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "-w", str(out), "--no-deps", "-q"]
        + ["--no-build-isolation"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("marquee-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def _member(wheel: zipfile.ZipFile, suffix: str) -> str:
    (name,) = [name for name in wheel.namelist() if name.endswith(suffix)]
    return wheel.read(name).decode("utf-8")


def test_the_wheel_holds_the_sample_config(wheel):
    shipped = _member(wheel, ".data/data/share/marquee/config.toml")
    assert shipped == (ROOT / "config.toml").read_text(encoding="utf-8")


def test_the_wheel_holds_the_licence_and_says_it(wheel):
    assert "Copyright (c) 2026 The Marquee developers" in _member(wheel, "licenses/LICENSE")
    metadata = Parser().parsestr(_member(wheel, ".dist-info/METADATA"))
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Environment :: Console" in classifiers


def test_the_build_needs_a_setuptools_that_knows_spdx_licences():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    (setuptools,) = pyproject["build-system"]["requires"]
    assert setuptools == "setuptools>=77"


def test_the_wheel_says_where_the_project_lives(wheel):
    metadata = Parser().parsestr(_member(wheel, ".dist-info/METADATA"))
    urls = dict(line.split(", ", 1) for line in metadata.get_all("Project-URL") or [])
    repository = "https://github.com/marquee-box-office/marquee"
    assert urls == {
        "Homepage": repository,
        "Documentation": f"{repository}#readme",
        "Source": repository,
        "Issues": f"{repository}/issues",
    }
