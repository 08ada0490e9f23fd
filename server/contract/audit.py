"""The audit capability: requests and answers of AuditService."""

from __future__ import annotations

import datetime as dt

from core.audit import AuditEntry
from server.contract.base import Operation, Request


class AuditEntriesIn(Request):
    since: dt.datetime | None = None
    user: str | None = None


OPERATIONS = (Operation("audit", "entries", AuditEntriesIn, list[AuditEntry]),)
