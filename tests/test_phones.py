"""Phone numbers are stored in E.164, read as numbers of the theater's country when
they have no country code; an impossible number is refused in one line."""

from __future__ import annotations

import pytest
from booking_support import buy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import load_config
from core.errors import ConfigError, InvalidInput
from core.models import Contact
from core.notify.sms_twilio import phone_number
from core.phones import e164

# US numbers: a valid area code and exchange (2-9), then any four digits.
us_numbers = st.tuples(
    st.integers(200, 999).filter(lambda n: n % 100 != 11),
    st.integers(200, 999),
    st.integers(0, 9999),
)


def us_forms(area: int, exchange: int, line: int) -> list[str]:
    """Ways people type the same US number."""
    digits = f"{area}{exchange}{line:04d}"
    return [
        digits,
        f"({area}) {exchange}-{line:04d}",
        f"{area}-{exchange}-{line:04d}",
        f"{area}.{exchange}.{line:04d}",
        f"1{digits}",
        f"+1 {area} {exchange} {line:04d}",
        f"+1-{area}-{exchange}-{line:04d}",
        f"  {digits}  ",
    ]


@given(us_numbers)
def test_every_way_of_typing_a_us_number_gives_one_e164_form(number):
    area, exchange, line = number
    wanted = f"+1{area}{exchange}{line:04d}"
    assert {e164(form, "US") for form in us_forms(*number)} == {wanted}
    assert phone_number(wanted) == wanted  # what Twilio is given


@given(st.text(alphabet="0123456789", min_size=1, max_size=4))
def test_too_short_a_number_is_refused_in_one_line(digits):
    with pytest.raises(InvalidInput) as refused:
        e164(digits, "US")
    assert len(str(refused.value).splitlines()) == 1


@given(st.text(max_size=30).filter(lambda t: not any(c.isdigit() for c in t)))
def test_text_without_digits_is_refused(text):
    with pytest.raises(InvalidInput):
        e164(text, "GB")


def test_a_number_with_its_country_code_keeps_it_whatever_the_theater():
    assert e164("+44 20 7946 0018", "US") == "+442079460018"
    assert e164("020 7946 0018", "GB") == "+442079460018"
    assert e164("030 123456", "DE") == "+4930123456"


def test_a_booking_contact_phone_is_stored_in_e164_for_the_theaters_country(
    box_office, hall, kiosk
):
    assert hall.theater.country == "US"  # box_office.country, the default
    booking = buy(box_office, kiosk, hall, ["A3"])
    saved = box_office.booking.set_contact(kiosk, booking.id, phone="5550100100")
    assert saved.contact.phone == "+15550100100"
    with pytest.raises(InvalidInput) as refused:
        box_office.booking.set_contact(kiosk, booking.id, phone="12")
    assert len(str(refused.value).splitlines()) == 1
    assert box_office.store.bookings.get(booking.id).contact.phone == "+15550100100"


def test_a_theater_in_another_country_reads_numbers_as_its_own(box_office, admin):
    theater = box_office.venues.add_theater(admin, name="Prince Charles", country="gb")
    assert theater.country == "GB"
    with pytest.raises(InvalidInput):
        box_office.venues.add_theater(admin, name="Nowhere", country="XX")


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(us_numbers, st.integers(0, 7))
def test_a_customer_registers_and_signs_in_by_phone_however_typed(box_office, number, form):
    forms = us_forms(*number)
    area, exchange, line = number
    wanted = f"+1{area}{exchange}{line:04d}"
    if box_office.store.users.by_login(wanted) is None:
        box_office.customers.register(forms[form], "correct horse battery")
    user = box_office.store.users.by_login(wanted)
    assert user is not None and user.phone == wanted
    session = box_office.customers.sign_in(forms[(form + 3) % len(forms)], "correct horse battery")
    assert session.token


def test_an_impossible_number_is_refused_at_registration(box_office):
    with pytest.raises(InvalidInput) as refused:
        box_office.customers.register("123", "correct horse battery")
    assert len(str(refused.value).splitlines()) == 1


def test_the_default_country_is_validated(environment, monkeypatch):
    monkeypatch.setenv("MARQUEE_BOX_OFFICE_COUNTRY", "GB")
    assert load_config().box_office.country == "GB"
    monkeypatch.setenv("MARQUEE_BOX_OFFICE_COUNTRY", "XX")
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert len(str(refused.value).splitlines()) == 1


def test_the_cli_adds_a_theater_in_its_country_and_refuses_a_bad_one(cli):
    added = cli("theaters", "add", "Prince Charles", "--country", "GB", "--json")
    assert added.exit_code == 0, added.stderr
    assert added.json()["country"] == "GB"
    assert "country" in cli("theaters", "add", "Nowhere", "--country", "XX").error_line()


def test_a_buyers_phone_given_before_paying_is_stored_in_e164(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    box_office.booking.hold(kiosk, basket.id, ["A3"])
    box_office.booking.set_buyer(kiosk, basket.id, Contact(phone="(555) 010-0100"))
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert booking.contact.phone == "+15550100100"
