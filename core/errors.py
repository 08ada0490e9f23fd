"""Domain errors.

Every error carries a message fit for a customer's or manager's eyes; UIs show
``str(error)`` as it is and never a traceback.
"""

from __future__ import annotations

from typing import Literal

from core.text import printable


class MarqueeError(Exception):
    """Base of every error Marquee raises on purpose."""

    exit_code = 1


class ConfigError(MarqueeError):
    """A configuration key is unknown, of the wrong type or out of range."""

    exit_code = 2

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"config: {key}: {problem}")


def unusable_data_dir(path: object, error: OSError) -> ConfigError:
    """The data dir (or a file that must live in it) cannot be created or written."""
    where = f" ({error.filename})" if error.filename and str(error.filename) != str(path) else ""
    return ConfigError("data.dir", f"{path} cannot be used: {error.strerror}{where}")


class StorageError(MarqueeError):
    """The database cannot be reached or started."""

    exit_code = 3


# Not errors anyone sees: a conditional write found the record changed since it was
# read, and the service reads it again and retries.
class StaleBooking(Exception):
    """The booking changed since it was read; read it again and retry."""


class StaleShift(Exception):
    """The shift changed since it was read; read it again and retry."""


class DomainError(MarqueeError):
    """A request the box office refuses; nothing was written."""


class NotFound(DomainError):
    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} '{printable(key)}'")


class AlreadyExists(DomainError):
    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} '{printable(key)}' already exists")


class IdempotencyKeyReused(DomainError):
    """A request's key (its Idempotency-Key) that an earlier, different request used."""

    def __init__(self) -> None:
        super().__init__("Idempotency-Key was already used for another request")


class RequestInProgress(DomainError):
    """The same request (its Idempotency-Key) is still being done by the box office."""

    def __init__(self, message: str = "this is still being done; try again in a moment") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    """A value a caller gave is not acceptable (names the field)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class InUse(DomainError):
    """Something cannot be removed or changed because other records use it."""


class SeatsInUse(InUse):
    """A layout change would remove or change seats sold or held for showtimes to come."""

    def __init__(self, message: str, seat_ids: list[str], references: list[str]) -> None:
        self.seat_ids = list(seat_ids)
        self.references = list(references)
        super().__init__(message)


class LayoutError(DomainError):
    """A seat layout text is malformed; names the line and column."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        self.line = line
        self.column = column
        self.problem = problem
        where = f"line {line}, column {column}" if column else f"line {line}"
        super().__init__(f"layout {where}: {problem}")


class ScheduleClash(DomainError):
    """Two showtimes would overlap in one auditorium."""


class PermissionDenied(DomainError):
    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"not allowed: {action}")


class NotStaffHere(PermissionDenied):
    """Someone signing in at a counter of a theater they do not work at."""

    def __init__(self, here: str, theirs: list[str]) -> None:
        self.action = "sign in here"
        where = " and ".join(theirs) if theirs else "no theater yet"
        DomainError.__init__(
            self, f"you work at {where}, not at {here}: sign in at a counter there"
        )


class SeatsTaken(DomainError):
    """Some requested seats were just taken; nothing was held."""

    def __init__(self, seat_ids: list[str], unavailable: list[str] | None = None) -> None:
        self.seat_ids = list(seat_ids)
        # Every seat seen unavailable in the rows looked at, so a caller can update
        # its picture of the hall without reading it again.
        self.unavailable = list(unavailable or seat_ids)
        if len(seat_ids) == 1:
            text = f"{seat_ids[0]} was just taken"
        else:
            text = ", ".join(seat_ids[:-1]) + f" and {seat_ids[-1]} were just taken"
        super().__init__(text)


class RuleViolation(DomainError):
    """A booking rule refuses the request (too many seats, companion seat, seat gap)."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


class HoldExpired(DomainError):
    def __init__(self) -> None:
        super().__init__("the seats were released because time ran out; please choose again")


class NotSellable(DomainError):
    """The showtime cannot be sold (cancelled, over) or the booking is in the wrong state."""


class SalesClosed(NotSellable):
    """Sales of the showtime closed a while after it started; staff may sell late."""

    def __init__(self, closed_at: str) -> None:
        self.closed_at = closed_at
        super().__init__(f"sales for this showtime closed at {closed_at}")


PaymentProblem = Literal["", "declined", "unavailable", "setup"]


class PaymentFailed(DomainError):
    """The payment did not go through; the seats stay held for another try.

    ``problem`` says why in one word, so a UI never calls a network fault a decline:
    "declined" (the bank or the payer said no), "unavailable" (the service could
    not be reached or answered with an error), "setup" (this way to pay is not set
    up here), "" (anything else the provider refused, e.g. too little cash)."""

    problem: PaymentProblem = ""


class PaymentDeclined(PaymentFailed):
    """The bank (or the payer's wallet) said no."""

    problem: PaymentProblem = "declined"


class PaymentUnavailable(PaymentFailed):
    """The payment service could not be used just now; nothing was charged."""

    problem: PaymentProblem = "unavailable"


class PaymentNotSetUp(PaymentUnavailable):
    """This way to pay is not set up here (no reader, no key, a key refused)."""

    problem: PaymentProblem = "setup"


class PaymentTakenPendingSettlement(DomainError):
    """The money was taken but the booking could not be confirmed: the database went away.

    Reconcile confirms it (or refunds it, if the seats are gone) as soon as the
    database answers again; the reference is what the customer keeps."""

    exit_code = 3

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(
            f"the payment was taken; booking {reference} will be settled as soon as "
            "the box office is back; keep this reference"
        )


class SeatsLost(DomainError):
    """A payment arrived after the seats were sold to someone else; it is refunded."""


class NotTheDemo(DomainError):
    """The demo is seeded only on an empty box office, never among real accounts and data."""

    def __init__(self) -> None:
        super().__init__(
            "this box office already has accounts or data of its own; the demo is seeded "
            "only on an empty database (choose another with MARQUEE_DB_NAME)"
        )


class SignInFailed(DomainError):
    """Never says which of name or password was wrong, nor whether the account exists."""

    def __init__(self) -> None:
        super().__init__(
            "sign-in failed: wrong name or password, or too many tries (wait and try again)"
        )


class TooManySignIns(DomainError):
    """Too many failed sign-ins from one client address: it waits; no password is checked."""

    def __init__(self, wait_minutes: int) -> None:
        self.wait_minutes = wait_minutes
        unit = "minute" if wait_minutes == 1 else "minutes"
        super().__init__(
            f"too many failed sign-ins from this address; wait {wait_minutes} {unit} and try again"
        )


class SessionInvalid(DomainError):
    """A session token that is expired, forged, altered or revoked."""

    def __init__(self, why: str = "it has expired or is not valid") -> None:
        super().__init__(f"your session cannot be used ({why}); sign in again")


class DeviceInvalid(DomainError):
    """A device token that is unknown, altered or revoked."""

    def __init__(self, why: str) -> None:
        super().__init__(
            f"this device cannot be used ({why}); pair it again with a new code "
            "from `marquee devices add`"
        )


class PairingFailed(DomainError):
    """A pairing code that is unknown, already used or expired; nothing was paired."""

    def __init__(self, why: str) -> None:
        super().__init__(f"pairing code refused: {why}")


class CashDrawerError(DomainError):
    """A cash drawer request that does not fit the drawer's state."""


class NoOpenShift(CashDrawerError):
    def __init__(self) -> None:
        super().__init__("open a cash drawer shift first")


class StaleBasket(DomainError):
    """Another terminal changed the basket since it was read: nothing was written."""

    def __init__(self, basket_id: str) -> None:
        self.basket_id = basket_id
        super().__init__("this basket was changed elsewhere; please look at it again")


class NoTheaterYet(DomainError):
    """A terminal of this machine asked for the first theater, and there is none."""

    def __init__(self) -> None:
        super().__init__("there is no theater yet: run `marquee demo` or `marquee kiosk --demo`")
