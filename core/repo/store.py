"""Every repository over one database, built once and handed to the services."""

from __future__ import annotations

from pymongo.database import Database

from core.repo.approvals import ApprovalRepository
from core.repo.audit import AuditRepository
from core.repo.baskets import BasketRepository
from core.repo.bookings import BookingRepository, PromoRepository
from core.repo.cash import CashShiftRepository
from core.repo.catalog import (
    AuditoriumRepository,
    ExtraRepository,
    MovieRepository,
    PriceCardRepository,
    ShowtimeRepository,
    TheaterRepository,
)
from core.repo.devices import DeviceRepository
from core.repo.idempotency import IdempotencyRepository
from core.repo.indexes import ensure_indexes
from core.repo.inventory import SeatInventoryRepository
from core.repo.keys import SigningKeyRepository
from core.repo.marks import MarkRepository
from core.repo.outbox import OutboxRepository
from core.repo.sessions import SessionRepository, SignInFailureRepository
from core.repo.tickets import AdmissionRepository
from core.repo.users import UserRepository


class Store:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.movies = MovieRepository(database)
        self.theaters = TheaterRepository(database)
        self.auditoriums = AuditoriumRepository(database)
        self.showtimes = ShowtimeRepository(database)
        self.price_cards = PriceCardRepository(database)
        self.extras = ExtraRepository(database)
        self.seats = SeatInventoryRepository(database)
        self.baskets = BasketRepository(database)
        self.bookings = BookingRepository(database)
        self.promos = PromoRepository(database)
        self.admissions = AdmissionRepository(database)
        self.users = UserRepository(database)
        self.audit = AuditRepository(database)
        self.approvals = ApprovalRepository(database)
        self.outbox = OutboxRepository(database)
        self.cash_shifts = CashShiftRepository(database)
        self.marks = MarkRepository(database)
        self.signing_keys = SigningKeyRepository(database)
        self.sessions = SessionRepository(database)
        self.signin_failures = SignInFailureRepository(database)
        self.devices = DeviceRepository(database)
        self.idempotency = IdempotencyRepository(database)  # answers of the API

    def ensure_indexes(self) -> None:
        ensure_indexes(self.database)

    def is_empty(self) -> bool:
        """No accounts (of staff or customers) and nothing in the catalog."""
        holders = (
            self.users,
            self.theaters,
            self.auditoriums,
            self.movies,
            self.price_cards,
            self.extras,
            self.promos,
            self.showtimes,
            self.bookings,
        )
        return not any(holder.exists({}) for holder in holders)
