"""A clerk's refund that waits for a manager: the request, then the decision."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.fields import Line, UtcDateTime
from core.models import Document


class ApprovalRequest(Document):
    id: str = Field(pattern=r"^[a-z0-9]{8,40}$")
    reference: str  # the booking
    seats: list[Line]
    theater_id: str
    requested_by: Line
    device_id: str = ""  # the counter it was asked at (if any): approved there, cash from it
    requested_at: UtcDateTime
    state: Literal["waiting", "approved", "declined"] = "waiting"
    decided_by: Line | None = None
    note: Line = ""
