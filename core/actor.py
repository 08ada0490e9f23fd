"""Who is calling, as a plain value: the services check it (core.services.access), the
terminals pass it along (a client ignores it: the server takes the caller from the token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["public", "customer", "kiosk", "door", "counter", "staff", "manager", "admin"]
LATE_SELLERS = frozenset({"staff", "manager", "admin"})  # may sell after sales closed


@dataclass(frozen=True)
class Actor:
    subject: str
    role: Role
    theaters: tuple[str, ...] = field(default=())
    user_id: str = ""  # the account behind a signed-in actor
    device_id: str = ""  # the paired device it acts from (or signed in at)

    @classmethod
    def local_admin(cls) -> Actor:
        return cls(subject="local-admin", role="admin")

    @classmethod
    def public(cls) -> Actor:
        """Nobody signed in: the programme may be read, nothing else."""
        return cls(subject="public", role="public")

    def works_at(self, theater_id: str) -> bool:
        return self.role == "admin" or theater_id in self.theaters
