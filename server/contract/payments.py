"""The payments capability: requests and answers of PaymentMethods."""

from __future__ import annotations

from server.contract.base import Operation, Request


class PaymentsNamesIn(Request):
    pass


OPERATIONS = (Operation("payments", "names", PaymentsNamesIn, list[str], http="GET"),)
