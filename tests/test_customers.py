"""Customer accounts: register, preferences, history, privacy, deletion."""

from __future__ import annotations

import pytest

from core.accounts import favourites_first
from core.errors import AlreadyExists, PermissionDenied, SessionInvalid, SignInFailed
from core.models import Movie
from core.services.access import Actor

PASSWORD = "popcorn please"


def buy_as(office, kiosk, hall, customer: Actor, seats):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    contact = office.customers.contact_for(customer)
    basket = office.booking.set_buyer(kiosk, basket.id, contact, customer.user_id)
    basket = office.booking.hold(kiosk, basket.id, seats)
    return office.checkout.checkout(kiosk, basket.id, "simulated")


@pytest.fixture
def ann(office):
    session = office.customers.register("Ann@Example.com", PASSWORD, "Ann")
    return office.auth.actor_for(session.token)


@pytest.fixture
def bob(office):
    return office.auth.actor_for(office.customers.register("+1 555 010 9999", PASSWORD).token)


def test_register_then_sign_in_by_email_or_phone(office, ann, bob):
    assert ann.role == "customer" and ann.subject == "ann@example.com"
    assert bob.subject == "+15550109999"
    assert office.customers.sign_in("ANN@example.com", PASSWORD).user.id == ann.user_id
    assert office.customers.sign_in("+1 (555) 010-9999", PASSWORD).user.id == bob.user_id
    with pytest.raises(AlreadyExists):
        office.customers.register("ann@example.com", PASSWORD)
    with pytest.raises(SignInFailed):  # a customer account never signs in as staff
        office.auth.sign_in("ann@example.com", PASSWORD)


def test_preferences_shape_the_contact_of_a_booking(office, hall, kiosk, ann):
    office.customers.set_preferences(
        ann, favourite_genres=["drama", "sci-fi"], seat_area="back", notify_by="email"
    )
    profile = office.customers.profile(ann)
    assert profile.preferences.favourite_genres == ["drama", "sci-fi"]
    assert profile.preferences.seat_area == "back"
    booking = buy_as(office, kiosk, hall, ann, ["B1"])
    assert booking.customer_id == ann.user_id
    assert booking.contact.email == "ann@example.com" and booking.contact.phone is None


def test_history_lists_only_ones_own_bookings_with_tickets(office, hall, kiosk, ann, bob):
    mine = buy_as(office, kiosk, hall, ann, ["B1", "B2"])
    theirs = buy_as(office, kiosk, hall, bob, ["B3"])
    lines = office.customers.bookings(ann)
    assert [line.booking.reference for line in lines] == [mine.reference]
    assert lines[0].upcoming and lines[0].movie_title == hall.movie.title
    assert [seat for seat, _ in office.customers.tickets(ann, mine.reference)] == ["B1", "B2"]
    with pytest.raises(PermissionDenied):
        office.customers.tickets(ann, theirs.reference)


@pytest.mark.parametrize(
    "reach",
    [
        lambda office, ref: office.aftersales.booking,
        lambda office, ref: office.aftersales.bookings,
        lambda office, ref: office.tickets.tickets,
        lambda office, ref: office.aftersales.cancel,
    ],
)
def test_a_customer_reaches_no_booking_through_staff_services(office, hall, kiosk, ann, bob, reach):
    theirs = buy_as(office, kiosk, hall, bob, ["B4"])
    service_call = reach(office, theirs.reference)
    with pytest.raises(PermissionDenied):
        if service_call == office.aftersales.bookings:
            service_call(ann)
        elif service_call == office.aftersales.cancel:
            service_call(ann, theirs.reference, None)
        else:
            service_call(ann, theirs.reference)


def test_deleting_the_account_keeps_the_bookings_anonymised(office, hall, kiosk, ann):
    token = office.customers.sign_in("ann@example.com", PASSWORD).token
    booking = buy_as(office, kiosk, hall, ann, ["B5"])
    assert office.customers.delete_account(ann) == 1
    kept = office.store.bookings.get(booking.id)
    assert kept.state == "confirmed" and kept.customer_id is None
    assert kept.contact.email is None and kept.contact.phone is None
    assert office.store.outbox.for_booking(booking.id) == []
    assert office.store.users.by_login("ann@example.com") is None
    with pytest.raises(SessionInvalid):
        office.auth.actor_for(token)


def test_favourite_genres_come_first_and_the_order_is_kept_otherwise():
    def movie(title: str, *genres: str) -> Movie:
        return Movie(id=title.lower(), title=title, runtime_min=90, genres=list(genres))

    movies = [movie("Alpha", "comedy"), movie("Beta", "drama"), movie("Gamma", "horror", "drama")]
    assert [m.title for m in favourites_first(movies, ["drama"])] == ["Beta", "Gamma", "Alpha"]
    assert [m.title for m in favourites_first(movies, [])] == ["Alpha", "Beta", "Gamma"]
