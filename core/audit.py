"""The audit trail: who changed money, prices, layouts, schedules and accounts, and how."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.models import Document, UtcDateTime

# Fields never copied into the trail, whatever record they belong to.
SECRET_FIELDS = {"password_hash", "password", "token"}


class AuditEntry(Document):
    id: str = Field(pattern=r"^[a-z0-9]{8,40}$")
    at: UtcDateTime
    user: str  # the actor's subject: a login, "local-admin", "kiosk:..."
    role: str
    action: str  # e.g. "refund", "price card edited", "showtime moved"
    target: str  # what it was done to: a booking reference, a card id, a login
    theater_id: str | None = None
    changes: dict[str, Any] = Field(default_factory=dict)


def changes_between(before: BaseModel | None, after: BaseModel | None) -> dict[str, Any]:
    """Each changed field as ``[old, new]`` (JSON-ready), secrets left out."""
    old = before.model_dump(mode="json") if before is not None else {}
    new = after.model_dump(mode="json") if after is not None else {}
    return {
        key: [old.get(key), new.get(key)]
        for key in sorted(set(old) | set(new))
        if key not in SECRET_FIELDS and key != "version" and old.get(key) != new.get(key)
    }
