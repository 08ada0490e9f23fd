"""The installed Marquee's version, as its package metadata says."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def marquee_version() -> str:
    try:
        return version("marquee")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
