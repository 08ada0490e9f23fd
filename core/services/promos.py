"""Promo codes: a percentage or a fixed amount off, within limits.

A code is stored under its lower-cased form as id (what checkout looks it up by)
and shown upper-cased. ``value`` is basis points for a percentage (1500 = 15%),
else minor units taken off once per booking.
"""

from __future__ import annotations

import datetime as dt

from core.errors import InUse, InvalidInput
from core.models import Promo
from core.services.access import Actor
from core.services.catalog_base import PricedServiceBase
from core.services.validation import build, revise

EDITABLE = (
    "kind",
    "value",
    "applies_to",
    "max_uses",
    "valid_from",
    "valid_until",
    "movie_ids",
    "showtime_ids",
    "active",
)
CLEARABLE: dict[str, object] = {
    "max_uses": None,
    "valid_from": None,
    "valid_until": None,
    "movie_ids": [],
    "showtime_ids": [],
}


class PromoService(PricedServiceBase):
    def add_promo(
        self,
        actor: Actor,
        *,
        code: str,
        kind: str,
        value: int,
        currency: str | None = None,
        applies_to: str = "tickets",
        max_uses: int | None = None,
        valid_from: dt.datetime | None = None,
        valid_until: dt.datetime | None = None,
        movie_ids: tuple[str, ...] = (),
        showtime_ids: tuple[str, ...] = (),
        theater_id: str | None = None,
    ) -> Promo:
        """A code good at one theater, or (``theater_id`` None) at every theater."""
        if theater_id is not None:
            theater_id = self._store.theaters.get(theater_id).id
        self._access.require_owner(actor, "prices.write", theater_id)
        code = _clean_code(code)
        promo = build(
            Promo,
            id=code.lower(),
            code=code,
            kind=kind,
            theater_id=theater_id,
            value=value,
            currency=currency or self._config.currency,
            applies_to=applies_to,
            max_uses=max_uses,
            valid_from=valid_from,
            valid_until=valid_until,
            movie_ids=list(movie_ids),
            showtime_ids=list(showtime_ids),
        )
        return self._checked_save(actor, promo, before=None)

    def promos(self, actor: Actor, *, include_inactive: bool = False) -> list[Promo]:
        return self._on_sale(actor, self._store.promos, include_inactive)

    def promo(self, actor: Actor, code: str) -> Promo:
        return self._readable(actor).promos.get(code.strip().lower())

    def edit_promo(
        self, actor: Actor, code: str, *, clear: tuple[str, ...] = (), **changes: object
    ) -> Promo:
        """Change some fields (None = unchanged); ``clear`` names limits to remove:
        max_uses, valid_from, valid_until, movie_ids, showtime_ids."""
        self._access.require(actor, "prices.write")
        unknown = sorted(set(changes) - set(EDITABLE)) + sorted(set(clear) - set(CLEARABLE))
        if unknown:
            raise InvalidInput(unknown[0], "is not a field that can be changed")
        current = self._owned(actor, code)
        cleared = {field: CLEARABLE[field] for field in clear}
        given = {key: value for key, value in changes.items() if value is not None}
        both = sorted(set(cleared) & set(given))
        if both:
            raise InvalidInput(both[0], "give a new value or clear it, not both")
        for field in ("movie_ids", "showtime_ids"):
            if field in given:
                given[field] = list(given[field])  # type: ignore[call-overload]
        promo = revise(current.model_copy(update=cleared), **given)
        return self._checked_save(actor, promo, current)

    def disable_promo(self, actor: Actor, code: str) -> Promo:
        promo = revise(self._owned(actor, code), active=False)
        self._store.promos.replace(promo)
        self._access.record(actor, "promo disabled", promo.code, promo.theater_id)
        self._announce("promo code", promo.id, "disabled")
        return promo

    def remove_promo(self, actor: Actor, code: str) -> None:
        promo = self._owned(actor, code)
        if promo.uses:
            raise InUse(
                f"promo code {promo.code} has been used {promo.uses} time(s) and bookings "
                "name it; disable it instead"
            )
        self._store.promos.delete(promo.id)
        self._access.record(actor, "promo removed", promo.code, promo.theater_id)
        self._announce("promo code", promo.id, "removed")

    def _checked_save(self, actor: Actor, promo: Promo, before: Promo | None) -> Promo:
        """A new (``before`` None) or changed code, saved once ``_check`` allows it; audited
        under its code as shown."""
        self._check(promo)
        promos = self._store.promos
        return self._save(
            actor, promos, promo, before, kind="promo code", audited_as="promo", target=promo.code
        )

    def _owned(self, actor: Actor, code: str) -> Promo:
        """The code, if ``actor`` may change it: theirs to run, or any code for an admin."""
        self._access.require(actor, "prices.write")
        promo = self._store.promos.get(code.strip().lower())
        self._access.require_owner(actor, "prices.write", promo.theater_id)
        return promo

    def _check(self, promo: Promo) -> None:
        """What the model alone cannot see: the window's order and that targets exist
        (a theater's code names only that theater's showtimes)."""
        if promo.valid_from and promo.valid_until and promo.valid_until <= promo.valid_from:
            raise InvalidInput("valid_until", "must be after valid_from")
        for movie_id in promo.movie_ids:
            self._store.movies.get(movie_id)
        for showtime_id in promo.showtime_ids:
            showtime = self._store.showtimes.get(showtime_id)
            if promo.theater_id and showtime.theater_id != promo.theater_id:
                raise InvalidInput(
                    "show", f"showtime {showtime_id} is not at theater {promo.theater_id}"
                )


def _clean_code(code: str) -> str:
    code = str(code).strip().upper()
    if "_" in code:
        # The id is the lower-cased code and ids take no underscores.
        raise InvalidInput("code", f"{code!r} is not allowed here; use letters, digits and -")
    return code
