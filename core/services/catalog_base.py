"""What the catalog services (movies, venues, price cards and extras, promo codes) share:
their dependencies, reading the catalog, and announcing a change to it."""

from __future__ import annotations

from typing import TypeVar

from core.audit import changes_between
from core.config import PricingConfig
from core.events import CatalogChanged, EventBus
from core.models import Document
from core.repo.documents import DocumentRepository
from core.repo.store import Store
from core.services.access import Access, Actor

RecordT = TypeVar("RecordT", bound=Document)


class CatalogServiceBase:
    def __init__(self, store: Store, access: Access, events: EventBus) -> None:
        self._store = store
        self._access = access
        self._events = events

    def _readable(self, actor: Actor) -> Store:
        """The store, once ``actor`` may read the catalog."""
        self._access.require(actor, "catalog.read")
        return self._store

    def _on_sale(
        self, actor: Actor, records: DocumentRepository[RecordT], include_inactive: bool
    ) -> list[RecordT]:
        """The active records (every one with ``include_inactive``)."""
        self._access.require(actor, "catalog.read")
        return records.find({} if include_inactive else {"active": True})

    def _save(
        self,
        actor: Actor,
        records: DocumentRepository[RecordT],
        record: RecordT,
        before: RecordT | None,
        *,
        kind: str,
        audited_as: str | None = None,
        target: str | None = None,
    ) -> RecordT:
        """Store a new record (``before`` None) or a changed one, write the audit entry
        ("<audited_as or kind> added|edited" on ``target`` or the record's id, with what
        changed) and announce it as a change of ``kind``."""
        if before is None:
            records.insert(record)
        else:
            records.replace(record)
        change = "added" if before is None else "edited"
        self._access.record(
            actor,
            f"{audited_as or kind} {change}",
            target or record.id,
            getattr(record, "theater_id", None),
            changes_between(before, record),
        )
        self._announce(kind, record.id, change)
        return record

    def _announce(self, kind: str, record_id: str, change: str) -> None:
        """Tell the screens that show the catalog that a record was added, edited or removed."""
        self._events.publish(CatalogChanged(kind, record_id, change))


class PricedServiceBase(CatalogServiceBase):
    """A catalog service that also reads the pricing settings (the default currency)."""

    def __init__(
        self, store: Store, access: Access, events: EventBus, config: PricingConfig
    ) -> None:
        super().__init__(store, access, events)
        self._config = config
