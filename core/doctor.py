"""``marquee doctor``: whether this box office is healthy, and for each problem the
command that fixes it. Facts only; never a key nor a provider's secret."""

from __future__ import annotations

import shutil
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from core.bootstrap import BoxOffice
from core.config import find_config, redact_uri
from core.repo.health import database_facts
from core.signing_keys import PURPOSES
from core.version import marquee_version

MAX_SKEW_S = 5.0  # tokens and holds are timed: a clock this far off the database's is wrong
MIN_FREE_BYTES = 1 << 30
OVERDUE_S = 600.0  # a queued message this late means no worker is delivering


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""  # the command (or step) that fixes it, for a problem


def examine(box_office: BoxOffice, environ: dict[str, str], cwd: Path) -> list[Check]:
    """Every check, in the order they are shown."""
    config = box_office.config
    found, where = find_config(environ, cwd)
    checks = [Check("config", True, f"{found or '(built-in defaults)'} ({where})")]
    checks.append(_data_dir(config.data_dir))
    checks.extend(_database(box_office))
    checks.append(_keys(box_office))
    checks.append(_providers(box_office))
    checks.append(_disk(config.data_dir))
    checks.extend(_messages(box_office))
    checks.append(_payments(box_office))
    return checks


def as_dicts(checks: list[Check]) -> list[dict[str, object]]:
    return [asdict(check) for check in checks]


def _data_dir(data_dir: Path) -> Check:
    if not data_dir.is_dir():
        return Check("data dir", False, f"{data_dir} does not exist", "marquee db start")
    exposed = [
        path
        for path in [data_dir, *data_dir.rglob("*")]
        if not path.is_symlink() and stat.S_IMODE(path.lstat().st_mode) & 0o077
    ]
    if exposed:
        shown = ", ".join(str(p.relative_to(data_dir)) or "." for p in exposed[:3])
        more = f" and {len(exposed) - 3} more" if len(exposed) > 3 else ""
        return Check(
            "data dir",
            False,
            f"{data_dir}: readable by other users: {shown}{more}",
            f"chmod -R go= {data_dir}",
        )
    return Check("data dir", True, f"{data_dir} (0700, every file 0600)")


def _database(box_office: BoxOffice) -> list[Check]:
    config = box_office.config
    where = redact_uri(config.mongo.uri) if config.mongo.uri else "embedded"
    try:
        facts = database_facts(box_office.connection, config.mongo.db_name)
    except Exception as error:  # any failure to reach it is the finding
        return [
            Check(
                "database",
                False,
                f"{where}: not answering ({error.__class__.__name__})",
                "marquee db status",
            )
        ]
    checks = [
        Check("versions", True, f"marquee {marquee_version()}, database server {facts.version}"),
        Check("database", True, f"{where}, database {config.mongo.db_name}"),
    ]
    if facts.change_streams:
        replica = f"replica set {facts.replica_set}" if facts.replica_set else "embedded"
        checks.append(Check("change streams", True, f"working ({replica})"))
    else:
        checks.append(
            Check(
                "change streams",
                False,
                "not available: seat maps are not live (a standalone MongoDB)",
                "run MongoDB as a replica set (mongod --replSet rs0; rs.initiate()) and add "
                "?replicaSet=rs0 to mongo.uri",
            )
        )
    if facts.server_time is None:
        checks.append(Check("clock", True, "the database server does not say its time"))
    else:
        skew = time.time() - facts.server_time
        ok = abs(skew) <= MAX_SKEW_S
        checks.append(
            Check(
                "clock",
                ok,
                f"{skew:+.1f} s against the database server",
                "" if ok else "sync both clocks: timedatectl set-ntp true",
            )
        )
    return checks


def _keys(box_office: BoxOffice) -> Check:
    shown = []
    for purpose in PURPOSES:
        key = box_office.keys.current(purpose)
        shown.append(f"{purpose} {key.fingerprint}")
    return Check("keys", True, ", ".join(shown))


def _providers(box_office: BoxOffice) -> Check:
    config = box_office.config
    set_up = {
        "stripe": bool(config.stripe.api_key.get_secret_value()),
        "paypal": bool(
            config.paypal.client_id.get_secret_value()
            and config.paypal.client_secret.get_secret_value()
        ),
    }
    names = box_office.payments.names()
    ready = [n for n in names if set_up.get(n.split("_")[0], True)]
    payments = ", ".join(ready) or "none"
    if len(ready) < len(names):
        payments += f" (not set up: {', '.join(n for n in names if n not in ready)})"
    channels = box_office.notify.providers()
    messaging = ", ".join(f"{channel}: {name or 'none'}" for channel, name in channels.items())
    return Check("providers", True, f"payments: {payments}; {messaging}")


def _disk(data_dir: Path) -> Check:
    try:
        usage = shutil.disk_usage(data_dir)
    except OSError as error:
        return Check("disk", False, f"cannot read the free space: {error.strerror}")
    free_gib = usage.free / (1 << 30)
    if usage.free < MIN_FREE_BYTES:
        return Check(
            "disk", False, f"{free_gib:.2f} GiB free", f"free space on the disk of {data_dir}"
        )
    return Check("disk", True, f"{free_gib:.1f} GiB free of {usage.total / (1 << 30):.1f} GiB")


def _messages(box_office: BoxOffice) -> list[Check]:
    outbox = box_office.store.outbox
    failed = outbox.count_failed()
    overdue = outbox.count_overdue(time.time() - OVERDUE_S)
    checks = []
    if failed:
        checks.append(
            Check(
                "messages",
                False,
                f"{failed} failed",
                "marquee notify outbox --state failed; then marquee notify requeue",
            )
        )
    if overdue:
        checks.append(
            Check("messages", False, f"{overdue} waiting for over 10 min", "marquee notify worker")
        )
    return checks or [Check("messages", True, "none failed or waiting")]


def _payments(box_office: BoxOffice) -> Check:
    open_payments = box_office.store.bookings.count_in_state("pending_payment")
    if open_payments:
        return Check("payments", False, f"{open_payments} left open", "marquee payments reconcile")
    return Check("payments", True, "none left open")


def healthy(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)
