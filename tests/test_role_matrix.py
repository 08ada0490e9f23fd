"""Every protected action, run as every kind of caller: allowed or refused in the services.

Each cell has exactly one right outcome. "Allowed" means the call returns; "refused" means
it raises ``PermissionDenied``. Every caller works on its own seat of the booking and its own
new names, so what an allowed caller did never decides what the next one meets; any other
error (a domain error for the input, a KeyError, ...) fails the test. The expected table is
written out here, not derived from the policy."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from core.errors import DomainError, PermissionDenied, SessionInvalid
from core.services.access import Actor

HOME, AWAY = "rialto", "elsewhere"  # the hall's theater, and another one

CALLERS = {
    "public": Actor("public", "public"),
    "customer": Actor("ann@example.com", "customer", user_id="nobody"),
    "kiosk": Actor("kiosk:k1", "kiosk", (HOME,)),
    "kiosk elsewhere": Actor("kiosk:k9", "kiosk", (AWAY,)),
    "staff": Actor("sam", "staff", (HOME,)),
    "staff elsewhere": Actor("sue", "staff", (AWAY,)),
    "door": Actor("door:d1", "door", (HOME,), device_id="d1"),
    "door elsewhere": Actor("door:d9", "door", (AWAY,), device_id="d9"),
    "counter": Actor("counter:c1", "counter", (HOME,), device_id="c1"),
    "counter elsewhere": Actor("counter:c9", "counter", (AWAY,), device_id="c9"),
    "manager": Actor("mia", "manager", (HOME,)),
    "manager elsewhere": Actor("max", "manager", (AWAY,)),
    "admin": Actor("ada", "admin"),
}

# action -> (how to call it, the callers allowed)
ACTIONS = {
    "add a movie": (
        lambda o, a, h: o.catalog.add_movie(a, title=f"Metropolis {h.tag}", runtime_min=153),
        {"manager", "manager elsewhere", "admin"},
    ),
    "add a theater": (
        lambda o, a, h: o.venues.add_theater(a, name=f"Odeon {h.tag}"),
        {"admin"},
    ),
    "edit a theater": (
        lambda o, a, h: o.venues.edit_theater(a, HOME, name="Rialto Grand"),
        {"manager", "admin"},
    ),
    "cancel a showtime": (
        lambda o, a, h: o.schedule.cancel_showtime(a, h.showtime_id),
        {"manager", "admin"},
    ),
    "change prices": (
        lambda o, a, h: o.pricing.add_extra(a, name=f"Nachos {h.tag}", price=450),
        {"manager", "manager elsewhere", "admin"},
    ),
    "add a price card here": (
        lambda o, a, h: o.pricing.add_price_card(
            a, name=f"Matinee {h.tag}", tickets={"adult": 800}, theater_id=HOME
        ),
        {"manager", "admin"},
    ),
    "add a price card for every theater": (
        lambda o, a, h: o.pricing.add_price_card(a, name=f"House {h.tag}", tickets={"adult": 800}),
        {"admin"},
    ),
    "edit a price card for every theater": (
        lambda o, a, h: o.pricing.edit_price_card(a, h.card_id, name=f"Evenings {h.tag}"),
        {"admin"},
    ),
    "add a promo code here": (
        lambda o, a, h: o.promos.add_promo(
            a, code=f"HOME{h.tag}", kind="percent", value=1000, theater_id=HOME
        ),
        {"manager", "admin"},
    ),
    "add a promo code for every theater": (
        lambda o, a, h: o.promos.add_promo(a, code=f"ALL{h.tag}", kind="percent", value=1000),
        {"admin"},
    ),
    "sell": (
        lambda o, a, h: o.booking.new_basket(a, h.showtime_id),
        {"kiosk", "staff", "manager", "admin"},
    ),
    "read a booking": (
        lambda o, a, h: o.aftersales.booking(a, h.reference),
        {"staff", "manager", "admin"},
    ),
    "refund a booking": (
        lambda o, a, h: o.aftersales.cancel(a, h.reference, [h.seat]),
        {"manager", "admin"},
    ),
    "reconcile payments": (
        lambda o, a, h: o.reconcile.run(a),
        {"manager", "manager elsewhere", "admin"},
    ),
    "scan a ticket": (
        lambda o, a, h: o.tickets.scan(a, h.token, theater_id=HOME),
        {"door", "staff", "manager", "admin"},
    ),
    "list the ticket tokens": (
        lambda o, a, h: o.tickets.tickets(a, h.reference),
        {"kiosk", "door", "staff", "manager", "admin"},
    ),
    "read the programme": (
        lambda o, a, h: o.inventory.seat_map(a, h.showtime_id),
        set(CALLERS),
    ),
    "add a device here": (
        lambda o, a, h: o.devices.add(a, f"Door {h.tag}", "door", HOME),
        {"manager", "admin"},
    ),
    "list the devices": (
        lambda o, a, h: o.devices.list(a),
        {"manager", "manager elsewhere", "admin"},
    ),
    "revoke a device here": (
        lambda o, a, h: o.devices.revoke(a, h.device, HOME),
        {"manager", "admin"},
    ),
    "list the signing keys": (lambda o, a, h: o.keys.keys(a), {"admin"}),
    "rotate the ticket key": (lambda o, a, h: o.keys.rotate(a, "tickets"), {"admin"}),
    "create an admin": (
        lambda o, a, h: o.auth.add_user(a, f"root{h.tag}", "Root", "admin", "correct horse"),
        {"admin"},
    ),
    "create staff here": (
        lambda o, a, h: o.auth.add_user(a, f"tim{h.tag}", "Tim", "staff", "correct horse", [HOME]),
        {"manager", "admin"},
    ),
    "list accounts": (lambda o, a, h: o.auth.users(a), {"manager", "manager elsewhere", "admin"}),
    "read the audit trail": (
        lambda o, a, h: o.audit.entries(a),
        {"manager", "manager elsewhere", "admin"},
    ),
    "read the outbox": (
        lambda o, a, h: o.notify.outbox(a),
        {"staff", "staff elsewhere", "manager", "manager elsewhere", "admin"},
    ),
    "send notifications": (
        lambda o, a, h: o.notify.send_due(a, catch_up=False),
        {"manager", "manager elsewhere", "admin"},
    ),
    "read a customer profile": (lambda o, a, h: o.customers.profile(a), {"customer"}),
}


# each caller's own seat of the scene's booking
SEATS = dict(
    zip(
        CALLERS,
        ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "A7", "A3", "A4", "A5", "A6"],
        strict=True,
    )
)


class Scene:
    """The hall with one confirmed booking of a seat for each caller, a ticket token for
    each seat, and a customer account; ``act_as`` points the scene at one caller."""

    def __init__(self, box_office, hall, admin):
        from core.models import Theater

        box_office.store.theaters.insert(Theater(id=AWAY, name="Elsewhere"))
        box_office.auth.add_user(admin, "root", "Root", "admin", "correct horse")
        customer = box_office.customers.register("ann@example.com", "correct horse")
        self.callers = CALLERS | {"customer": box_office.auth.actor_for(customer.token)}
        kiosk = CALLERS["kiosk"]
        self.references, self.tokens = {}, {}
        names = list(SEATS)
        for some in (names[:8], names[8:]):  # two bookings: at most 10 seats in one
            basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
            basket = box_office.booking.hold(kiosk, basket.id, [SEATS[name] for name in some])
            booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
            for name in some:
                self.references[name] = booking.reference
                self.tokens[name] = box_office.tickets.token(booking, SEATS[name])
        self.devices = {
            name: box_office.devices.add(admin, f"Kiosk {index}", "kiosk", HOME)[0].name
            for index, name in enumerate(CALLERS)
        }
        self.showtime_id = hall.showtime_id
        self.card_id = hall.card.id  # a card for every theater

    def act_as(self, name: str) -> Actor:
        """The caller ``name``, with the scene's seat, token and new names its own."""
        self.tag = list(CALLERS).index(name)
        self.seat = SEATS[name]
        self.token = self.tokens[name]
        self.reference = self.references[name]
        self.device = self.devices[name]
        return self.callers[name]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_as_each_caller(box_office, hall, admin, action):
    scene = Scene(box_office, hall, admin)
    call, allowed = ACTIONS[action]
    outcome = {}
    for name in CALLERS:
        actor = scene.act_as(name)
        try:
            call(box_office, actor, scene)
        except PermissionDenied:
            outcome[name] = "refused"
        except DomainError as error:  # a wrong scene, not a permission: shown in the table
            outcome[name] = f"failed: {type(error).__name__}: {error}"
        else:
            outcome[name] = "allowed"
    assert outcome == {name: "allowed" if name in allowed else "refused" for name in CALLERS}


def bad_tokens(box_office) -> dict[str, str]:
    good = box_office.auth.sign_in("root", "correct horse").token
    claims = jwt.decode(good, options={"verify_signature": False})
    head, body, mac = good.split(".")
    other = jwt.encode(dict(claims, login="mallory"), "another box office's key" * 2, "HS256")
    key = box_office.keys.current("sessions")
    return {
        "expired": jwt.encode(
            dict(claims, exp=int((dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).timestamp())),
            key.key,  # signed like a real one, but expired
            "HS256",
            headers={"kid": key.id},
        ),
        "forged": other,
        "tampered": f"{head}.{other.split('.')[1]}.{mac}",
        "alg none": jwt.encode(dict(claims, login="mallory"), None, "none"),
        "nobody": "",
    }


@pytest.mark.parametrize("kind", ["expired", "forged", "tampered", "alg none", "nobody"])
def test_bad_tokens_never_become_a_caller(box_office, hall, admin, kind):
    Scene(box_office, hall, admin)
    with pytest.raises(SessionInvalid):
        box_office.auth.actor_for(bad_tokens(box_office)[kind])
