"""The box-office API, operation by operation: shared by the server and the client.

Every operation is ``POST /api/v1/<service>/<method>`` (``GET`` for a read without
parameters), calls ``box_office.<service>.<method>(caller, **body)`` and answers the
method's return value as JSON. tests/test_api_contract.py checks every operation
against its service method's signature, so the two cannot drift apart."""

from __future__ import annotations

from server.contract import (
    aftersales,
    approvals,
    audit,
    auth,
    booking,
    cash,
    catalog,
    checkout,
    customers,
    devices,
    inventory,
    notify,
    payments,
    pricing,
    promos,
    reconcile,
    reports,
    sales,
    schedule,
    tickets,
    venues,
)
from server.contract.base import API, Operation, Request

CAPABILITIES = (
    catalog,
    venues,
    schedule,
    pricing,
    promos,
    inventory,
    payments,
    booking,
    checkout,
    sales,
    aftersales,
    approvals,
    tickets,
    cash,
    reports,
    reconcile,
    auth,
    audit,
    customers,
    devices,
    notify,
)
OPERATIONS: tuple[Operation, ...] = tuple(op for module in CAPABILITIES for op in module.OPERATIONS)
BY_NAME: dict[str, Operation] = {op.name: op for op in OPERATIONS}

__all__ = ["API", "BY_NAME", "CAPABILITIES", "OPERATIONS", "Operation", "Request"]
