"""Customer accounts: register, preferences, history, privacy, deletion."""

from __future__ import annotations

import pytest

from core.accounts import favourites_first
from core.errors import AlreadyExists, PermissionDenied, SessionInvalid, SignInFailed
from core.models import Movie
from core.services.access import Actor

PASSWORD = "popcorn please"


def buy_as(box_office, kiosk, hall, customer: Actor, seats):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    contact = box_office.customers.contact_for(customer)
    basket = box_office.booking.set_buyer(kiosk, basket.id, contact, customer.user_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats)
    return box_office.checkout.checkout(kiosk, basket.id, "simulated")


@pytest.fixture
def ann(box_office):
    session = box_office.customers.register("Ann@Example.com", PASSWORD, "Ann")
    return box_office.auth.actor_for(session.token)


@pytest.fixture
def bob(box_office):
    return box_office.auth.actor_for(
        box_office.customers.register("+1 555 010 9999", PASSWORD).token
    )


def test_register_then_sign_in_by_email_or_phone(box_office, ann, bob):
    assert ann.role == "customer" and ann.subject == "ann@example.com"
    assert bob.subject == "+15550109999"
    assert box_office.customers.sign_in("ANN@example.com", PASSWORD).user.id == ann.user_id
    assert box_office.customers.sign_in("+1 (555) 010-9999", PASSWORD).user.id == bob.user_id
    with pytest.raises(AlreadyExists):
        box_office.customers.register("ann@example.com", PASSWORD)
    with pytest.raises(SignInFailed):  # a customer account never signs in as staff
        box_office.auth.sign_in("ann@example.com", PASSWORD)


def test_preferences_shape_the_contact_of_a_booking(box_office, hall, kiosk, ann):
    box_office.customers.set_preferences(
        ann, favourite_genres=["drama", "sci-fi"], seat_area="back", notify_by="email"
    )
    profile = box_office.customers.profile(ann)
    assert profile.preferences.favourite_genres == ["drama", "sci-fi"]
    assert profile.preferences.seat_area == "back"
    booking = buy_as(box_office, kiosk, hall, ann, ["B1"])
    assert booking.customer_id == ann.user_id
    assert booking.contact.email == "ann@example.com" and booking.contact.phone is None


def test_history_lists_only_ones_own_bookings_with_tickets(box_office, hall, kiosk, ann, bob):
    mine = buy_as(box_office, kiosk, hall, ann, ["B1", "B2"])
    theirs = buy_as(box_office, kiosk, hall, bob, ["B3"])
    lines = box_office.customers.bookings(ann)
    assert [line.booking.reference for line in lines] == [mine.reference]
    assert lines[0].upcoming and lines[0].movie_title == hall.movie.title
    assert [seat for seat, _ in box_office.customers.tickets(ann, mine.reference)] == ["B1", "B2"]
    with pytest.raises(PermissionDenied):
        box_office.customers.tickets(ann, theirs.reference)


@pytest.mark.parametrize(
    "reach",
    [
        lambda box_office, ref: box_office.aftersales.booking,
        lambda box_office, ref: box_office.aftersales.bookings,
        lambda box_office, ref: box_office.tickets.tickets,
        lambda box_office, ref: box_office.aftersales.cancel,
    ],
)
def test_a_customer_reaches_no_booking_through_staff_services(
    box_office, hall, kiosk, ann, bob, reach
):
    theirs = buy_as(box_office, kiosk, hall, bob, ["B4"])
    service_call = reach(box_office, theirs.reference)
    with pytest.raises(PermissionDenied):
        if service_call == box_office.aftersales.bookings:
            service_call(ann)
        elif service_call == box_office.aftersales.cancel:
            service_call(ann, theirs.reference, None)
        else:
            service_call(ann, theirs.reference)


def test_deleting_the_account_keeps_the_bookings_anonymised(box_office, hall, kiosk, ann):
    token = box_office.customers.sign_in("ann@example.com", PASSWORD).token
    booking = buy_as(box_office, kiosk, hall, ann, ["B5"])
    assert box_office.customers.delete_account(ann) == 1
    kept = box_office.store.bookings.get(booking.id)
    assert kept.state == "confirmed" and kept.customer_id is None
    assert kept.contact.email is None and kept.contact.phone is None
    assert box_office.store.outbox.for_booking(booking.id) == []
    assert box_office.store.users.by_login("ann@example.com") is None
    with pytest.raises(SessionInvalid):
        box_office.auth.actor_for(token)


def test_favourite_genres_come_first_and_the_order_is_kept_otherwise():
    def movie(title: str, *genres: str) -> Movie:
        return Movie(id=title.lower(), title=title, runtime_min=90, genres=list(genres))

    movies = [movie("Alpha", "comedy"), movie("Beta", "drama"), movie("Gamma", "horror", "drama")]
    assert [m.title for m in favourites_first(movies, ["drama"])] == ["Beta", "Gamma", "Alpha"]
    assert [m.title for m in favourites_first(movies, [])] == ["Alpha", "Beta", "Gamma"]
