"""The approvals capability: requests and answers of ApprovalService."""

from __future__ import annotations

from core.approvals import ApprovalRequest
from core.models import Booking
from server.contract.base import Operation, Request


class ApprovalsApproveIn(Request):
    request_id: str
    at_counter: bool = False  # approved at the asking clerk's till: cash from their drawer


class ApprovalsDeclineIn(Request):
    request_id: str
    note: str = ""


class ApprovalsRequestRefundIn(Request):
    reference: str
    seats: list[str]


class ApprovalsWaitingIn(Request):
    pass


OPERATIONS = (
    Operation("approvals", "approve", ApprovalsApproveIn, Booking, writes=True, positional=1),
    Operation("approvals", "decline", ApprovalsDeclineIn, None, writes=True, positional=2),
    Operation(
        "approvals",
        "request_refund",
        ApprovalsRequestRefundIn,
        ApprovalRequest,
        writes=True,
        positional=2,
    ),
    Operation("approvals", "waiting", ApprovalsWaitingIn, list[ApprovalRequest], http="GET"),
)
