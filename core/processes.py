"""Other processes, as far as the bookkeeping of leased servers (the embedded
database, the local box-office server) needs them.

Pids come from files anyone can edit, so nothing here signals a pid before it is
known to be a real, single process: never 0, 1 or a negative number (those mean
"my process group", "init" or "every process"), never one beyond the largest pid.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from typing_extensions import TypeIs

MAX_PID = 1 << 22  # the largest pid_max Linux allows


def valid_pid(pid: object) -> TypeIs[int]:
    """A plain int naming one process other than init (bool is not a pid)."""
    return type(pid) is int and 1 < pid <= MAX_PID


def pid_alive(pid: int) -> bool:
    if not valid_pid(pid):
        return False
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child that has exited: reaped now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from field 3 (state) on; [] where unknown (not Linux, gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat.rpartition(")")[2].split()


def _is_zombie(pid: int) -> bool:
    """An exited process its parent has not reaped yet (Linux; elsewhere: assume not)."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] == "Z"


def process_start(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (Linux); None where unknown.

    With the pid it names one process for good: a pid reused later has another start."""
    fields = _stat_fields(pid) if valid_pid(pid) else []
    return int(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


def process_args(pid: int) -> list[str]:
    """The process's command line (Linux); [] where unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes() if valid_pid(pid) else b""
    except OSError:
        return []
    return [os.fsdecode(arg) for arg in raw.split(b"\0") if arg]
