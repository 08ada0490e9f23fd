"""The payments capability: requests and answers of PaymentMethods."""

from __future__ import annotations

from core.records import PaymentChoice
from server.contract.base import Operation, Request


class PaymentsNamesIn(Request):
    pass


class PaymentsChoiceIn(Request):
    name: str


OPERATIONS = (
    Operation("payments", "names", PaymentsNamesIn, list[str], http="GET"),
    Operation("payments", "choice", PaymentsChoiceIn, PaymentChoice, positional=1),
)
