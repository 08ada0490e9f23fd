"""Customers at the kiosk: registering, their profile, preferences and bookings.

Everything here is read through the customer's own session: the actor's account
id selects the data, so one customer can never reach another's. Deleting an
account removes the personal data and keeps the bookings, anonymised, for the
reports.
"""

from __future__ import annotations

import time

from core.accounts import PHONE, Preferences, User, normal_login
from core.clock import Clock, utc_now
from core.errors import AlreadyExists, InvalidInput, PermissionDenied
from core.models import Contact
from core.records import BookingLine as BookingLine
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.auth import AuthService, Session
from core.services.tickets import TicketService
from core.services.validation import build


class CustomerService:
    def __init__(
        self,
        store: Store,
        access: Access,
        auth: AuthService,
        tickets: TicketService,
        clock: Clock = time.time,
        country: str = "US",
    ) -> None:
        self._country = country  # box_office.country: where a customer's number is from
        self._store = store
        self._access = access
        self._auth = auth
        self._tickets = tickets
        self._clock = clock

    def register(self, email_or_phone: str, password: str, name: str = "") -> Session:
        """A new customer account, signed in at once."""
        login = normal_login(email_or_phone, self._country)
        is_phone = bool(PHONE.match(login))
        if not is_phone and "@" not in login:
            raise InvalidInput("login", "give an e-mail address or a phone number")
        if self._store.users.by_login(login) is not None:
            raise AlreadyExists("account", login)
        contact = {"phone": login} if is_phone else {"email": login}
        preferences = {"notify_by": "sms" if is_phone else "email"}
        user = self._auth.insert_account(
            Actor.public(),
            login,
            name.strip() or login,
            "customer",
            password,
            [],
            preferences=preferences,
            **contact,
        )
        return self._auth.session_for(user)

    def sign_in(self, email_or_phone: str, password: str) -> Session:
        return self._auth.sign_in(email_or_phone, password, customer=True)

    def profile(self, actor: Actor) -> User:
        self._access.require(actor, "account.own")
        return self._store.users.get(actor.user_id)

    def set_preferences(self, actor: Actor, **changes) -> User:
        """Favourite genres, preferred seat area, how to be told, reminders."""
        user = self.profile(actor)
        preferences = build(Preferences, **(user.preferences.model_dump() | changes))
        self._store.users.update_fields(user.id, preferences=preferences.model_dump())
        return self._store.users.get(user.id)

    def contact_for(self, actor: Actor) -> Contact:
        """Where this customer's tickets go, as their preferences say."""
        user = self.profile(actor)
        how = user.preferences.notify_by
        return Contact(
            email=user.email if how in {"email", "both"} else None,
            phone=user.phone if how in {"sms", "both"} else None,
            reminders=user.preferences.reminders,
        )

    def bookings(self, actor: Actor) -> list[BookingLine]:
        """The customer's bookings, upcoming first (soonest first), then past (latest first)."""
        user = self.profile(actor)
        now = utc_now(self._clock)
        lines = []
        for booking in self._store.bookings.of_customer(user.id):
            if booking.state in {"pending_payment", "expired"}:
                continue
            showtime = self._store.showtimes.get(booking.showtime_id)
            movie = self._store.movies.get(showtime.movie_id)
            lines.append(
                BookingLine(booking, movie.title, showtime.starts_at, showtime.ends_at > now)
            )
        upcoming = sorted((line for line in lines if line.upcoming), key=lambda x: x.starts_at)
        past = sorted((line for line in lines if not line.upcoming), key=lambda x: x.starts_at)
        return upcoming + past[::-1]

    def tickets(self, actor: Actor, reference: str) -> list[tuple[str, str]]:
        """(seat, token) of one of the customer's own confirmed bookings."""
        user = self.profile(actor)
        booking = self._store.bookings.by_reference(reference)
        if booking.customer_id != user.id:
            raise PermissionDenied("read another customer's booking")
        return self._tickets.issued(booking)

    def delete_account(self, actor: Actor) -> int:
        """Remove the customer's personal data; their bookings stay, anonymised."""
        user = self.profile(actor)
        booking_ids = self._store.bookings.anonymise(user.id)
        self._store.outbox.forget_bookings(booking_ids)
        self._store.users.delete(user.id)
        return len(booking_ids)
