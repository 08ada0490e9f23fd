"""The customers capability: requests and answers of CustomerService."""

from __future__ import annotations

from typing import Any

from core.accounts import User
from core.models import Contact
from core.records import BookingLine
from server.contract.base import Operation, Request


class CustomersBookingsIn(Request):
    pass


class CustomersContactForIn(Request):
    pass


class CustomersDeleteAccountIn(Request):
    pass


class CustomersProfileIn(Request):
    pass


class CustomersSetPreferencesIn(Request):
    changes: dict[str, Any] = {}


class CustomersTicketsIn(Request):
    reference: str


OPERATIONS = (
    Operation("customers", "bookings", CustomersBookingsIn, list[BookingLine], http="GET"),
    Operation("customers", "contact_for", CustomersContactForIn, Contact, http="GET"),
    Operation("customers", "delete_account", CustomersDeleteAccountIn, int, writes=True),
    Operation("customers", "profile", CustomersProfileIn, User, http="GET"),
    Operation(
        "customers",
        "set_preferences",
        CustomersSetPreferencesIn,
        User,
        writes=True,
        splat="changes",
    ),
    Operation("customers", "tickets", CustomersTicketsIn, list[tuple[str, str]], positional=1),
)
