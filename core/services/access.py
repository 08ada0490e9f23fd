"""Who is calling, and what they may do.

Every service method takes an :class:`Actor` first. Sign-in (bcrypt, JWT) builds
actors for people (see ``core.services.auth``); a kiosk has its own identity, bound
to one theater, that may sell and nothing else; a door scanner scans tickets at its
theater; a counter terminal only lets its theater's staff sign in (see
``core.services.devices``). The CLI of a box office that has
no accounts yet runs as its local admin, to set it up.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from core.actor import LATE_SELLERS, Actor, Role
from core.audit import AuditEntry
from core.clock import utc_now
from core.errors import PermissionDenied

# Which roles may perform each action. Managers and staff are further limited to
# their own theaters where the action names one.
POLICY: dict[str, frozenset[str]] = {
    "catalog.read": frozenset(
        {"public", "customer", "kiosk", "door", "counter", "staff", "manager", "admin"}
    ),
    "catalog.write": frozenset({"manager", "admin"}),
    "theaters.write": frozenset({"admin"}),
    "venue.write": frozenset({"manager", "admin"}),
    "schedule.write": frozenset({"manager", "admin"}),
    "prices.write": frozenset({"manager", "admin"}),
    "sell": frozenset({"kiosk", "staff", "manager", "admin"}),
    "sell.late": LATE_SELLERS,  # after sales closed
    "bookings.read": frozenset({"staff", "manager", "admin"}),
    "bookings.cancel": frozenset({"staff", "manager", "admin"}),
    "bookings.refund": frozenset({"manager", "admin"}),
    "payments.reconcile": frozenset({"manager", "admin"}),
    "tickets.read": frozenset({"kiosk", "door", "staff", "manager", "admin"}),
    "tickets.scan": frozenset({"door", "staff", "manager", "admin"}),
    "users.read": frozenset({"manager", "admin"}),
    "users.staff": frozenset({"manager", "admin"}),  # staff accounts of one's own theaters
    "users.manage": frozenset({"admin"}),  # managers and admins
    "audit.read": frozenset({"manager", "admin"}),
    "account.own": frozenset({"customer"}),  # a customer's own profile and bookings
    "notify.read": frozenset({"staff", "manager", "admin"}),
    "notify.send": frozenset({"manager", "admin"}),
    # One's own drawer shift: open, drop, close, report. Managing is other people's shifts.
    "cash.drawer": frozenset({"staff", "manager", "admin"}),
    "cash.manage": frozenset({"manager", "admin"}),
    "reports.read": frozenset({"manager", "admin"}),
    "reports.rebuild": frozenset({"admin"}),
    "keys.manage": frozenset({"admin"}),  # list, rotate and retire signing keys
    "devices.manage": frozenset({"manager", "admin"}),  # terminals of one's own theaters
}
# Roles bound to their theaters: people who work at some, and paired devices (one each).
SCOPED_ROLES = frozenset({"staff", "manager", "kiosk", "door", "counter"})

__all__ = ["POLICY", "SCOPED_ROLES", "Access", "Actor", "Role"]


class Access:
    """Checks what an actor may do, and keeps the audit trail of what they did."""

    def __init__(
        self, journal: Callable[[list[AuditEntry]], object] | None = None, clock=time.time
    ) -> None:
        self._journal = journal
        self._clock = clock

    def record(
        self,
        actor: Actor,
        action: str,
        target: str,
        theater_id: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        """Write one audit entry: who, when, what, to what, and what changed."""
        self.record_each(actor, action, [target], theater_id, changes)

    def record_each(
        self,
        actor: Actor,
        action: str,
        targets: Sequence[str],
        theater_id: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        """One audit entry per target of one action, written at once."""
        if self._journal is None or not targets:
            return
        at = utc_now(self._clock)
        self._journal(
            [
                AuditEntry(
                    id=secrets.token_hex(10),
                    at=at,
                    user=actor.subject,
                    role=actor.role,
                    action=action,
                    target=target,
                    theater_id=theater_id,
                    changes=changes or {},
                )
                for target in targets
            ]
        )

    def require(self, actor: Actor, action: str, theater_id: str | None = None) -> None:
        allowed = POLICY.get(action)
        if allowed is None:
            raise KeyError(f"no policy for action {action!r}")
        if actor.role not in allowed:
            raise PermissionDenied(action.replace(".", " "))
        if actor.role in SCOPED_ROLES and theater_id is not None and not actor.works_at(theater_id):
            raise PermissionDenied(f"{action.replace('.', ' ')} at theater {theater_id}")

    def require_owner(self, actor: Actor, action: str, theater_id: str | None) -> None:
        """``action`` on a record that belongs to one theater, or to every theater
        (``theater_id`` None): those only admins may change."""
        self.require(actor, action, theater_id)
        if theater_id is None and actor.role != "admin":
            raise PermissionDenied(f"{action.replace('.', ' ')} for every theater (admins only)")
