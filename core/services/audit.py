"""Reading the audit trail (writing it is part of every audited service call)."""

from __future__ import annotations

import datetime as dt

from core.audit import AuditEntry
from core.repo.store import Store
from core.services.access import Access, Actor


class AuditService:
    def __init__(self, store: Store, access: Access) -> None:
        self._store = store
        self._access = access

    def entries(
        self, actor: Actor, *, since: dt.datetime | None = None, user: str | None = None
    ) -> list[AuditEntry]:
        """Newest first; a manager sees what happened at their own theaters and
        every change they made themselves."""
        self._access.require(actor, "audit.read")
        found = self._store.audit.listing(since, user.strip().lower() if user else None)
        if actor.role == "admin":
            return found
        return [
            entry
            for entry in found
            if entry.theater_id in actor.theaters or entry.user == actor.subject
        ]
