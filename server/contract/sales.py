"""The sales capability: requests and answers of SellService."""

from __future__ import annotations

from core.records import Sale, SaleOrder
from server.contract.base import Operation, Request


class SalesSellIn(Request):
    order: SaleOrder


OPERATIONS = (
    Operation(
        "sales",
        "sell",
        SalesSellIn,
        Sale,
        writes=True,
        positional=1,
        key_into="order",
    ),
)
