"""The pricing capability: requests and answers of PricingService."""

from __future__ import annotations

from typing import Any

from core.models import Extra, PriceCard
from server.contract.base import Operation, Request


class PricingAddExtraIn(Request):
    name: str
    price: int
    kind: str = "snack"
    currency: str | None = None
    extra_id: str | None = None


class PricingAddPriceCardIn(Request):
    name: str
    tickets: dict[str, int]
    surcharges: dict[str, int] | None = None
    currency: str | None = None
    card_id: str | None = None
    theater_id: str | None = None


class PricingEditExtraIn(Request):
    extra_id: str
    changes: dict[str, Any] = {}


class PricingEditPriceCardIn(Request):
    card_id: str
    changes: dict[str, Any] = {}


class PricingExtraIn(Request):
    extra_id: str


class PricingExtrasIn(Request):
    include_inactive: bool = False


class PricingPriceCardIn(Request):
    card_id: str


class PricingPriceCardsIn(Request):
    usable_at: str | None = None


class PricingRemoveExtraIn(Request):
    extra_id: str


class PricingRemovePriceCardIn(Request):
    card_id: str


OPERATIONS = (
    Operation("pricing", "add_extra", PricingAddExtraIn, Extra, writes=True),
    Operation("pricing", "add_price_card", PricingAddPriceCardIn, PriceCard, writes=True),
    Operation(
        "pricing",
        "edit_extra",
        PricingEditExtraIn,
        Extra,
        writes=True,
        positional=1,
        splat="changes",
    ),
    Operation(
        "pricing",
        "edit_price_card",
        PricingEditPriceCardIn,
        PriceCard,
        writes=True,
        positional=1,
        splat="changes",
    ),
    Operation("pricing", "extra", PricingExtraIn, Extra, positional=1),
    Operation("pricing", "extras", PricingExtrasIn, list[Extra]),
    Operation("pricing", "price_card", PricingPriceCardIn, PriceCard, positional=1),
    Operation("pricing", "price_cards", PricingPriceCardsIn, list[PriceCard]),
    Operation("pricing", "remove_extra", PricingRemoveExtraIn, None, writes=True, positional=1),
    Operation(
        "pricing", "remove_price_card", PricingRemovePriceCardIn, None, writes=True, positional=1
    ),
)
