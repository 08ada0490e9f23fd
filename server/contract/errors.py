"""Domain errors on the wire: a stable code, the one-line message, public details.

The server turns an error into ``{"error": {"code", "message", "details"}}`` with an
HTTP status; the client raises the same class again, with the same message and the
details back as attributes (``except SeatsTaken as error: error.seat_ids``)."""

from __future__ import annotations

import re
from typing import Any

from core import errors
from core.errors import MarqueeError

# The status of each kind of refusal; a subclass takes its nearest ancestor's.
STATUS: dict[type[Exception], int] = {
    errors.InvalidInput: 400,
    errors.LayoutError: 400,
    errors.RuleViolation: 400,
    errors.ConfigError: 400,
    errors.SignInFailed: 401,
    errors.SessionInvalid: 401,
    errors.DeviceInvalid: 401,
    errors.PairingFailed: 400,
    errors.TooManySignIns: 429,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.AlreadyExists: 409,
    errors.IdempotencyKeyReused: 422,
    errors.RequestInProgress: 409,
    errors.SeatsTaken: 409,
    errors.StaleBasket: 409,
    errors.InUse: 409,
    errors.ScheduleClash: 409,
    errors.NotSellable: 409,
    errors.HoldExpired: 409,
    errors.SeatsLost: 409,
    errors.CashDrawerError: 409,
    errors.NotTheDemo: 409,
    errors.PaymentFailed: 402,
    errors.PaymentTakenPendingSettlement: 503,
    errors.StorageError: 503,
}
RATE_LIMITED = 429  # an error class whose name says it was rate limited


def code_of(kind: type[BaseException]) -> str:
    """``SeatsTaken`` -> ``seats_taken``: the class's name, the wire's stable code."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind.__name__).lower()


def status_of(error: BaseException) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
        if "RateLimit" in kind.__name__:
            return RATE_LIMITED
    return 400


def details_of(error: BaseException) -> dict[str, Any]:
    """The error's public attributes of plain JSON types (seat ids, a reference...)."""
    found: dict[str, Any] = {}
    for name, value in vars(error).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            found[name] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
            found[name] = list(value)
    return found


def error_classes() -> dict[str, type[MarqueeError]]:
    """Every error class of core.errors (and any added later), by its code."""
    found: dict[str, type[MarqueeError]] = {}
    pending: list[type[MarqueeError]] = [MarqueeError]
    while pending:
        kind = pending.pop()
        found[code_of(kind)] = kind
        pending.extend(kind.__subclasses__())
    return found


def rebuild(code: str, message: str, details: dict[str, Any]) -> MarqueeError:
    """The error the server raised, raised again on this side of the wire."""
    kind = error_classes().get(code, errors.DomainError)
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    for name, value in details.items():
        if name.isidentifier() and not name.startswith("_"):
            setattr(error, name, value)
    return error
