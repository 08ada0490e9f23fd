"""Baskets: sales in the making, saved whole and only over the version that was read."""

from __future__ import annotations

from core.basket import Basket
from core.errors import StaleBasket
from core.repo.documents import DocumentRepository


class BasketRepository(DocumentRepository[Basket]):
    collection_name, model, kind = "baskets", Basket, "basket"

    def save(self, basket: Basket) -> Basket:
        """Write a changed basket if nobody changed it since it was read (StaleBasket else).

        One plain filter on ``_id`` and ``version``: the ``_id`` index answers it."""
        saved = basket.model_copy(update={"version": basket.version + 1})
        result = self.collection.replace_one(
            {"_id": basket.id, "version": basket.version}, self.dump(saved)
        )
        if result.matched_count != 1:
            raise StaleBasket(basket.id)
        return saved
