"""The closed sets of values ``marquee`` options take, as enums: ``--help`` lists them,
shell completion offers them, and anything else is refused before a command runs.

Each is made from the set the core already defines, so the two never drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import get_args

from core import outbox
from core.accounts import STAFF_ROLES
from core.devices import DEVICE_KINDS
from core.models import SHOW_FORMATS, Booking, Extra
from core.payment_providers.cash import CashProvider
from core.payment_providers.paypal import PaypalProvider
from core.payment_providers.simulated import SimulatedProvider
from core.payment_providers.stripe_checkout import StripeCheckoutProvider
from core.payment_providers.stripe_terminal import StripeTerminalProvider
from core.signing_keys import PURPOSES


def choices(name: str, values: tuple[str, ...]) -> type[StrEnum]:
    return StrEnum(name, {value: value for value in values})  # type: ignore[return-value]


_PROVIDERS = (
    CashProvider,
    SimulatedProvider,
    StripeTerminalProvider,
    StripeCheckoutProvider,
    PaypalProvider,
)
PayMethod = choices("PayMethod", tuple(provider.name for provider in _PROVIDERS))
BookingState = choices("BookingState", get_args(Booking.model_fields["state"].annotation))
OutboxState = choices("OutboxState", get_args(outbox.OutboxState))
DeviceKind = choices("DeviceKind", DEVICE_KINDS)
ExtraKind = choices("ExtraKind", get_args(Extra.model_fields["kind"].annotation))
StaffRole = choices("StaffRole", STAFF_ROLES)
KeyPurpose = choices("KeyPurpose", PURPOSES)
ShowFormat = choices("ShowFormat", SHOW_FORMATS)


def plain(choice: StrEnum | None) -> str | None:
    """The value a service takes (a plain string, as from any other caller)."""
    return None if choice is None else choice.value
