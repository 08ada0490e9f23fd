"""The promos capability: requests and answers of PromoService."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Promo
from server.contract.base import Operation, Request


class PromosAddPromoIn(Request):
    code: str
    kind: str
    value: int
    currency: str | None = None
    applies_to: str = "tickets"
    max_uses: int | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    movie_ids: tuple[str, ...] = ()
    showtime_ids: tuple[str, ...] = ()
    theater_id: str | None = None


class PromosDisablePromoIn(Request):
    code: str


class PromosEditPromoIn(Request):
    code: str
    clear: tuple[str, ...] = ()
    changes: dict[str, Any] = {}


class PromosPromoIn(Request):
    code: str


class PromosPromosIn(Request):
    include_inactive: bool = False


class PromosRemovePromoIn(Request):
    code: str


OPERATIONS = (
    Operation("promos", "add_promo", PromosAddPromoIn, Promo, writes=True),
    Operation("promos", "disable_promo", PromosDisablePromoIn, Promo, writes=True, positional=1),
    Operation(
        "promos", "edit_promo", PromosEditPromoIn, Promo, writes=True, positional=1, splat="changes"
    ),
    Operation("promos", "promo", PromosPromoIn, Promo, positional=1),
    Operation("promos", "promos", PromosPromosIn, list[Promo]),
    Operation("promos", "remove_promo", PromosRemovePromoIn, None, writes=True, positional=1),
)
