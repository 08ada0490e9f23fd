"""Theaters, their auditoriums and the auditoriums' seat layouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.audit import changes_between
from core.errors import InUse
from core.events import EventBus
from core.layout import SeatLayout, layout_of, parse_layout, render_layout
from core.layout_changes import SeatMoves
from core.models import Auditorium, Theater, slugify
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.catalog_base import CatalogServiceBase
from core.services.validation import build, revise

if TYPE_CHECKING:
    from core.services.relayout import LayoutChanges


class VenueService(CatalogServiceBase):
    def __init__(
        self,
        store: Store,
        access: Access,
        events: EventBus,
        layout_changes: LayoutChanges | None = None,
        country: str = "US",
    ) -> None:
        super().__init__(store, access, events)
        self._layout_changes = layout_changes
        self._country = country  # box_office.country: a new theater's unless given

    # -- theaters --------------------------------------------------------------
    def add_theater(
        self,
        actor: Actor,
        *,
        name: str,
        timezone: str = "UTC",
        address: str = "",
        city: str = "",
        theater_id: str | None = None,
        country: str | None = None,
    ) -> Theater:
        self._access.require(actor, "theaters.write")
        theater = build(
            Theater,
            id=theater_id or self._store.theaters.free_id(slugify(name)),
            name=name,
            timezone=timezone,
            address=address,
            city=city,
            country=(country or self._country).strip().upper(),
        )
        self._store.theaters.insert(theater)
        self._announce("theater", theater.id, "added")
        return theater

    def theaters(self, actor: Actor) -> list[Theater]:
        self._access.require(actor, "catalog.read")
        return self._store.theaters.find()

    def theater(self, actor: Actor, theater_id: str) -> Theater:
        return self._readable(actor).theaters.get(theater_id)

    def edit_theater(self, actor: Actor, theater_id: str, **changes: object) -> Theater:
        self._access.require(actor, "venue.write", theater_id)
        theater = revise(self._store.theaters.get(theater_id), **changes)
        self._store.theaters.replace(theater)
        self._announce("theater", theater.id, "edited")
        return theater

    def remove_theater(self, actor: Actor, theater_id: str) -> None:
        self._access.require(actor, "theaters.write")
        self._store.theaters.get(theater_id)
        rooms = self._store.auditoriums.count({"theater_id": theater_id})
        if rooms:
            raise InUse(f"theater '{theater_id}' has {rooms} auditorium(s); remove them first")
        self._store.theaters.delete(theater_id)
        self._announce("theater", theater_id, "removed")

    # -- auditoriums and layouts ----------------------------------------------
    @staticmethod
    def check_layout(text: str) -> SeatLayout:
        """Parse and validate a layout text; raises LayoutError naming line and column."""
        return parse_layout(text)

    def add_auditorium(
        self,
        actor: Actor,
        *,
        theater_id: str,
        name: str,
        layout_text: str,
        auditorium_id: str | None = None,
    ) -> Auditorium:
        self._access.require(actor, "venue.write", theater_id)
        self._store.theaters.get(theater_id)
        layout = parse_layout(layout_text)
        wanted = auditorium_id or self._store.auditoriums.free_id(slugify(f"{theater_id}-{name}"))
        auditorium = build(
            Auditorium,
            id=wanted,
            theater_id=theater_id,
            name=name,
            layout=render_layout(layout),
            capacity=layout.capacity,
        )
        self._store.auditoriums.insert(auditorium)
        self._access.record(actor, "auditorium added", auditorium.id, theater_id)
        self._announce("auditorium", auditorium.id, "added")
        return auditorium

    def auditoriums(self, actor: Actor, theater_id: str | None = None) -> list[Auditorium]:
        self._access.require(actor, "catalog.read")
        if theater_id:
            self._store.theaters.get(theater_id)
        return self._store.auditoriums.find({"theater_id": theater_id} if theater_id else {})

    def auditorium(self, actor: Actor, auditorium_id: str) -> Auditorium:
        return self._readable(actor).auditoriums.get(auditorium_id)

    def layout(self, actor: Actor, auditorium_id: str) -> SeatLayout:
        return layout_of(self.auditorium(actor, auditorium_id).layout)

    def edit_auditorium(
        self,
        actor: Actor,
        auditorium_id: str,
        *,
        name: str | None = None,
        layout_text: str | None = None,
        moves: SeatMoves | None = None,
    ) -> Auditorium:
        """Rename an auditorium or replace its layout.

        A new layout applies to every showtime that has not ended; it is refused
        (SeatsInUse, naming the bookings) while a seat it removes, blocks,
        re-categorises, renumbers or re-labels is sold or held for one of them.
        ``moves`` (from an editor) says where the cells of the seats went; it
        must start from the current layout."""
        current = self._store.auditoriums.get(auditorium_id)
        self._access.require(actor, "venue.write", current.theater_id)
        if moves is not None and layout_of(moves.base) != layout_of(current.layout):
            raise InUse(
                f"the layout of {current.name} was changed elsewhere since this edit began; "
                "open it again"
            )
        changes: dict[str, object] = {"name": name}
        if layout_text is not None:
            layout = parse_layout(layout_text)
            changes |= {"layout": render_layout(layout), "capacity": layout.capacity}
        auditorium = revise(current, **changes)
        if self._layout_changes is not None and auditorium.layout != current.layout:
            old, new = layout_of(current.layout), layout_of(auditorium.layout)
            self._layout_changes.replace(auditorium, old, new, moves)
        else:
            self._store.auditoriums.replace(auditorium)
        self._access.record(
            actor,
            "layout changed" if auditorium.layout != current.layout else "auditorium edited",
            auditorium.id,
            auditorium.theater_id,
            changes_between(current, auditorium),
        )
        self._announce("auditorium", auditorium.id, "edited")
        return auditorium

    def remove_auditorium(self, actor: Actor, auditorium_id: str) -> None:
        current = self._store.auditoriums.get(auditorium_id)
        self._access.require(actor, "venue.write", current.theater_id)
        shows = self._store.showtimes.count({"auditorium_id": auditorium_id})
        if shows:
            raise InUse(f"auditorium '{auditorium_id}' has {shows} showtime(s); remove them first")
        self._store.auditoriums.delete(auditorium_id)
        self._access.record(actor, "auditorium removed", auditorium_id, current.theater_id)
        self._announce("auditorium", auditorium_id, "removed")
