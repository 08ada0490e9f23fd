"""A kiosk starts fast because it loads only what a client of the server needs: no
database driver, no server, no configuration loader, no QR or image library until a
ticket is drawn (``bench/kiosk_bench.py`` times the whole cold start)."""

from __future__ import annotations

import json
import subprocess
import sys

NOT_AT_START = (
    "pymongo",
    "bson",
    "core.bootstrap",
    "core.config",
    "fastapi",
    "uvicorn",
    "server.app",
    "qrcode",
    "PIL",
)


def test_the_kiosk_loads_no_database_server_or_image_code_to_start():
    probe = (
        "import json, sys\n"
        "from client.remote import RemoteBoxOffice\n"
        "from kiosk.main import make_kiosk_app\n"
        "from kiosk.app import KioskApp\n"
        f"print(json.dumps(sorted(m for m in {NOT_AT_START!r} if m in sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(loaded) == []
