"""The reconcile capability: requests and answers of ReconcileService."""

from __future__ import annotations

from core.records import ReconcileOutcome
from server.contract.base import Operation, Request


class ReconcileRunIn(Request):
    pass


class ReconcileSettleReportedIn(Request):
    idempotency_key: str


OPERATIONS = (
    Operation("reconcile", "run", ReconcileRunIn, list[ReconcileOutcome], writes=True),
    Operation(
        "reconcile",
        "settle_reported",
        ReconcileSettleReportedIn,
        ReconcileOutcome | None,
        writes=True,
        positional=1,
    ),
)
