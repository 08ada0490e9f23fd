"""``marquee-kiosk``: the customer kiosk."""

from __future__ import annotations

import sys


def main() -> None:
    print(
        "The kiosk is not built yet. Try `marquee demo` and then `marquee shows list --today`.",
        file=sys.stderr,
    )
    sys.exit(1)
