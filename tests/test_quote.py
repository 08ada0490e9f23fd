"""Quotes: pure integer arithmetic on price cards, extras and promo codes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.layout import Seat, SeatCategory
from core.models import Extra, PriceCard, Promo
from core.quote import build_quote, promo_discount, round_half_up_div

CARD = PriceCard(
    id="standard",
    name="Standard",
    tickets={"adult": 1250, "child": 900, "senior": 1000},
    surcharges={SeatCategory.VIP: 300},
)
POPCORN = Extra(id="popcorn", name="Popcorn", price=650)
SODA = Extra(id="soda", name="Soda", price=399, kind="drink")


def seat(seat_id: str, category: SeatCategory = SeatCategory.STANDARD) -> Seat:
    return Seat(seat_id, seat_id[0], int(seat_id[1:]), int(seat_id[1:]) - 1, category)


def percent(bp: int, applies_to: str = "tickets", code: str = "SAVE") -> Promo:
    return Promo(id=code.lower(), code=code, kind="percent", value=bp, applies_to=applies_to)


def fixed(amount: int, applies_to: str = "tickets", code: str = "MINUS") -> Promo:
    return Promo(id=code.lower(), code=code, kind="fixed", value=amount, applies_to=applies_to)


# -- plain totals ----------------------------------------------------------------------------------
def test_total_is_the_sum_of_the_lines():
    quote = build_quote(
        CARD,
        [(seat("A1"), "adult"), (seat("A2"), "child"), (seat("B1", SeatCategory.VIP), "adult")],
        [(POPCORN, 2), (SODA, 1)],
    )
    amounts = [line.amount for line in quote.lines]
    assert amounts == [1250, 900, 1550, 1300, 399]
    assert quote.total == sum(amounts) == 5399
    assert quote.tickets == 3700
    assert quote.extras == 1699
    assert quote.subtotal == 5399
    assert quote.discount == 0
    assert quote.currency == "USD"
    assert quote.seat_price("B1") == 1550


def test_lines_are_in_seat_order_then_extras_in_the_order_given():
    quote = build_quote(
        CARD, [(seat("B2"), "adult"), (seat("A1"), "child")], [(SODA, 1), (POPCORN, 1)]
    )
    assert [(line.kind, line.seat_id or line.item_id) for line in quote.lines] == [
        ("ticket", "B2"),
        ("ticket", "A1"),
        ("extra", "soda"),
        ("extra", "popcorn"),
    ]


def test_vip_surcharge_is_added_to_the_ticket_price():
    quote = build_quote(CARD, [(seat("C3", SeatCategory.VIP), "child")], [])
    assert quote.total == 900 + 300
    assert "(vip)" in quote.lines[0].description


# -- percentage promos -----------------------------------------------------------------------------
def test_percent_discount_rounds_half_up():
    # 15% of 1250 + 900 = 322.5 -> 323
    quote = build_quote(
        CARD, [(seat("A1"), "adult"), (seat("A2"), "child")], [], promo=percent(1500)
    )
    assert quote.discount == 323
    assert quote.total == 2150 - 323
    discount_lines = [line for line in quote.lines if line.kind == "discount"]
    assert len(discount_lines) == 1 and discount_lines[0].amount == -323
    assert quote.promo_code == "SAVE"


def test_percent_discount_rounds_down_below_the_half():
    # 10% of 1255 = 125.5 -> 126 (half up); 10% of 1254 = 125.4 -> 125
    assert promo_discount(percent(1000), 1255) == 126
    assert promo_discount(percent(1000), 1254) == 125
    assert promo_discount(percent(1000), 1245) == 125  # 124.5 -> 125, not banker's 124


def test_ticket_promo_leaves_extras_at_full_price():
    quote = build_quote(CARD, [(seat("A1"), "adult")], [(POPCORN, 1)], promo=percent(5000))
    assert quote.discount == 625
    assert quote.total == 1250 + 650 - 625


def test_order_promo_includes_extras():
    quote = build_quote(
        CARD, [(seat("A1"), "adult")], [(POPCORN, 1)], promo=percent(5000, applies_to="order")
    )
    assert quote.discount == 950  # half of 1250 + 650
    assert quote.total == 950


def test_hundred_percent_promo_makes_it_free():
    quote = build_quote(CARD, [(seat("A1"), "adult")], [(SODA, 2)], promo=percent(10_000))
    assert quote.discount == 1250
    assert quote.total == 798


# -- fixed promos ----------------------------------------------------------------------------------
def test_fixed_discount_is_taken_off_once():
    quote = build_quote(CARD, [(seat("A1"), "adult"), (seat("A2"), "adult")], [], promo=fixed(300))
    assert quote.discount == 300
    assert quote.total == 2200


def test_fixed_discount_is_capped_at_the_tickets():
    quote = build_quote(CARD, [(seat("A1"), "child")], [(POPCORN, 1)], promo=fixed(5000))
    assert quote.discount == 900  # only the ticket is eligible
    assert quote.total == 650  # the popcorn is still paid for


def test_fixed_order_discount_is_capped_at_the_order():
    quote = build_quote(
        CARD, [(seat("A1"), "child")], [(POPCORN, 1)], promo=fixed(5000, applies_to="order")
    )
    assert quote.discount == 900 + 650
    assert quote.total == 0
    assert quote.tax_included == 0


def test_promo_with_nothing_eligible_adds_no_discount_line():
    quote = build_quote(CARD, [], [(POPCORN, 1)], promo=percent(2000))
    assert quote.discount == 0
    assert [line.kind for line in quote.lines] == ["extra"]


# -- tax -------------------------------------------------------------------------------------------
def test_tax_included_is_rounded_half_up():
    # 20% VAT included in 1250: 1250 * 2000 / 12000 = 208.33 -> 208
    quote = build_quote(CARD, [(seat("A1"), "adult")], [], tax_rate_bp=2000)
    assert quote.total == 1250
    assert quote.tax_included == 208


def test_tax_included_rounds_an_exact_half_up():
    # 20% included in 3: 3 * 2000 / 12000 = 0.5 -> 1; 10% included in 1650 = 150 exactly
    half = build_quote(CARD, [], [(Extra(id="e", name="E", price=3), 1)], tax_rate_bp=2000)
    assert half.tax_included == 1
    exact = build_quote(CARD, [], [(Extra(id="e", name="E", price=1650), 1)], tax_rate_bp=1000)
    assert exact.tax_included == 150


def test_tax_is_worked_out_on_the_discounted_total():
    quote = build_quote(
        CARD, [(seat("A1"), "adult"), (seat("A2"), "child")], [], promo=percent(1500)
    )
    assert quote.tax_included == 0  # no tax configured
    taxed = build_quote(
        CARD,
        [(seat("A1"), "adult"), (seat("A2"), "child")],
        [],
        promo=percent(1500),
        tax_rate_bp=2000,
    )
    assert taxed.tax_included == round_half_up_div(1827 * 2000, 12000) == 305


def test_round_half_up_div():
    assert round_half_up_div(5, 2) == 3
    assert round_half_up_div(7, 2) == 4
    assert round_half_up_div(1, 3) == 0
    assert round_half_up_div(2, 3) == 1
    assert round_half_up_div(0, 7) == 0


# -- determinism -----------------------------------------------------------------------------------
def test_same_inputs_give_equal_quotes():
    def make():
        return build_quote(
            CARD,
            [(seat("A1"), "adult"), (seat("B2", SeatCategory.VIP), "senior")],
            [(POPCORN, 3)],
            promo=percent(1234, applies_to="order"),
            tax_rate_bp=700,
        )

    assert make() == make()
    assert hash(make().lines) == hash(make().lines)


# -- properties ------------------------------------------------------------------------------------
prices = st.integers(min_value=0, max_value=100_000)
categories = st.sampled_from(list(SeatCategory))


@st.composite
def baskets(draw):
    card = PriceCard(
        id="card",
        name="Card",
        tickets={"adult": draw(prices), "child": draw(prices)},
        surcharges={category: draw(prices) for category in draw(st.sets(categories))},
    )
    count = draw(st.integers(min_value=0, max_value=12))
    seats = [
        (Seat(f"A{n}", "A", n, n - 1, draw(categories)), draw(st.sampled_from(["adult", "child"])))
        for n in range(1, count + 1)
    ]
    extras = [
        (Extra(id=f"x{i}", name=f"Extra {i}", price=draw(prices)), draw(st.integers(1, 50)))
        for i in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    applies_to = draw(st.sampled_from(["tickets", "order"]))
    promo = draw(
        st.one_of(
            st.none(),
            st.builds(percent, st.integers(1, 10_000), st.just(applies_to)),
            st.builds(fixed, st.integers(1, 2_000_000), st.just(applies_to)),
        )
    )
    tax = draw(st.integers(min_value=0, max_value=10_000))
    return card, seats, extras, promo, tax


@settings(max_examples=300, deadline=None)
@given(baskets())
def test_quote_properties(basket):
    card, seats, extras, promo, tax = basket
    quote = build_quote(card, seats, extras, promo=promo, tax_rate_bp=tax)
    tickets = sum(card.price(ticket, s.category) for s, ticket in seats)
    extra_total = sum(extra.price * quantity for extra, quantity in extras)
    eligible = tickets + (extra_total if promo is not None and promo.applies_to == "order" else 0)

    assert quote.tickets == tickets
    assert quote.extras == extra_total
    assert quote.total == sum(line.amount for line in quote.lines)
    assert 0 <= quote.discount <= eligible
    assert quote.total >= 0
    assert quote.total == quote.subtotal - quote.discount
    assert quote.tax_included == (2 * quote.total * tax + 10_000 + tax) // (2 * (10_000 + tax))
    assert 0 <= quote.tax_included <= quote.total
    if promo is None:
        assert quote.discount == 0
    elif promo.kind == "percent":
        exact = eligible * promo.value / 10_000
        assert abs(quote.discount - exact) <= 0.5
        if exact - int(exact) == 0.5:
            assert quote.discount == int(exact) + 1
    else:
        assert quote.discount == min(promo.value, eligible)
    assert quote == build_quote(card, seats, extras, promo=promo, tax_rate_bp=tax)
