"""Who is calling, and what they may do.

Every service method takes an :class:`Actor` first. Sign-in (bcrypt, JWT) builds
actors for people; the CLI on a manager's own machine runs as the local admin
until a session is in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.errors import PermissionDenied

Role = Literal["customer", "kiosk", "staff", "manager", "admin"]

# Which roles may perform each action. Managers and staff are further limited to
# their own theaters where the action names one.
POLICY: dict[str, frozenset[str]] = {
    "catalog.read": frozenset({"customer", "kiosk", "staff", "manager", "admin"}),
    "catalog.write": frozenset({"manager", "admin"}),
    "theaters.write": frozenset({"admin"}),
    "venue.write": frozenset({"manager", "admin"}),
    "schedule.write": frozenset({"manager", "admin"}),
    "prices.write": frozenset({"manager", "admin"}),
    "sell": frozenset({"kiosk", "staff", "manager", "admin"}),
    "bookings.read": frozenset({"staff", "manager", "admin"}),
    "bookings.cancel": frozenset({"staff", "manager", "admin"}),
    "bookings.refund": frozenset({"manager", "admin"}),
    "payments.reconcile": frozenset({"manager", "admin"}),
    "tickets.read": frozenset({"kiosk", "staff", "manager", "admin"}),
    "tickets.scan": frozenset({"staff", "manager", "admin"}),
    "reports.read": frozenset({"manager", "admin"}),
    "reports.rebuild": frozenset({"admin"}),
}


@dataclass(frozen=True)
class Actor:
    subject: str
    role: Role
    theaters: tuple[str, ...] = field(default=())

    @classmethod
    def local_admin(cls) -> Actor:
        return cls(subject="local-admin", role="admin")

    def works_at(self, theater_id: str) -> bool:
        return self.role == "admin" or theater_id in self.theaters


class Access:
    def require(self, actor: Actor, action: str, theater_id: str | None = None) -> None:
        allowed = POLICY.get(action)
        if allowed is None:
            raise KeyError(f"no policy for action {action!r}")
        if actor.role not in allowed:
            raise PermissionDenied(action.replace(".", " "))
        scoped = actor.role in {"staff", "manager", "kiosk"}
        if scoped and theater_id is not None and not actor.works_at(theater_id):
            raise PermissionDenied(f"{action.replace('.', ' ')} at theater {theater_id}")
