"""Price cards (ticket types and seat-category surcharges) and extras."""

from __future__ import annotations

from core.errors import InUse, InvalidInput
from core.models import Extra, PriceCard, slugify
from core.services.access import Actor
from core.services.catalog_base import PricedServiceBase
from core.services.validation import build, revise


class PricingService(PricedServiceBase):
    @property
    def currency(self) -> str:
        return self._config.currency

    # -- price cards ------------------------------------------------------------
    def add_price_card(
        self,
        actor: Actor,
        *,
        name: str,
        tickets: dict[str, int],
        surcharges: dict[str, int] | None = None,
        currency: str | None = None,
        card_id: str | None = None,
        theater_id: str | None = None,
    ) -> PriceCard:
        """A card for one theater's showtimes, or (``theater_id`` None) for every theater's."""
        if theater_id is not None:
            theater_id = self._store.theaters.get(theater_id).id
        self._access.require_owner(actor, "prices.write", theater_id)
        card = build(
            PriceCard,
            id=card_id or self._store.price_cards.free_id(slugify(name)),
            name=name,
            theater_id=theater_id,
            currency=currency or self._config.currency,
            tickets=tickets,
            surcharges=surcharges or {},
        )
        return self._save(actor, self._store.price_cards, card, None, kind="price card")

    def price_cards(self, actor: Actor, *, usable_at: str | None = None) -> list[PriceCard]:
        """Every card, or those a showtime at theater ``usable_at`` may use."""
        self._access.require(actor, "catalog.read")
        cards = self._store.price_cards.find()
        if usable_at is None:
            return cards
        return [card for card in cards if card.theater_id in (None, usable_at)]

    def price_card(self, actor: Actor, card_id: str) -> PriceCard:
        return self._readable(actor).price_cards.get(card_id)

    def edit_price_card(self, actor: Actor, card_id: str, **changes: object) -> PriceCard:
        self._access.require(actor, "prices.write")
        before = self._store.price_cards.get(card_id)
        self._access.require_owner(actor, "prices.write", before.theater_id)
        if changes.get("theater_id") not in (None, before.theater_id):
            # Showtimes of its theater use it: a card of another theater is a new card.
            raise InvalidInput("theater", "a price card stays with its theater; add a new one")
        card = revise(before, **changes)
        return self._save(actor, self._store.price_cards, card, before, kind="price card")

    def remove_price_card(self, actor: Actor, card_id: str) -> None:
        self._access.require(actor, "prices.write")
        card = self._store.price_cards.get(card_id)
        self._access.require_owner(actor, "prices.write", card.theater_id)
        shows = self._store.showtimes.count({"price_card_id": card_id})
        if shows:
            raise InUse(f"price card '{card_id}' is used by {shows} showtime(s)")
        self._store.price_cards.delete(card_id)
        self._access.record(actor, "price card removed", card_id, card.theater_id)
        self._announce("price card", card_id, "removed")

    # -- extras -----------------------------------------------------------------
    def add_extra(
        self,
        actor: Actor,
        *,
        name: str,
        price: int,
        kind: str = "snack",
        currency: str | None = None,
        extra_id: str | None = None,
    ) -> Extra:
        self._access.require(actor, "prices.write")
        extra = build(
            Extra,
            id=extra_id or self._store.extras.free_id(slugify(name)),
            name=name,
            price=price,
            kind=kind,
            currency=currency or self._config.currency,
        )
        return self._save(actor, self._store.extras, extra, None, kind="extra")

    def extras(self, actor: Actor, *, include_inactive: bool = False) -> list[Extra]:
        return self._on_sale(actor, self._store.extras, include_inactive)

    def extra(self, actor: Actor, extra_id: str) -> Extra:
        return self._readable(actor).extras.get(extra_id)

    def edit_extra(self, actor: Actor, extra_id: str, **changes: object) -> Extra:
        self._access.require(actor, "prices.write")
        before = self._store.extras.get(extra_id)
        extra = revise(before, **changes)
        return self._save(actor, self._store.extras, extra, before, kind="extra")

    def remove_extra(self, actor: Actor, extra_id: str) -> None:
        self._access.require(actor, "prices.write")
        self._store.extras.delete(extra_id)
        self._access.record(actor, "extra removed", extra_id)
        self._announce("extra", extra_id, "removed")
