"""One function builds the box office from config for the kiosk, console and tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.clock import Clock
from core.config import Config, load_config, prepare_data_dir
from core.events import EventBus
from core.payment_providers.cash import CashProvider
from core.payment_providers.paypal import PaypalProvider
from core.payment_providers.simulated import SimulatedLedger, SimulatedProvider
from core.payment_providers.stripe_account import StripeAccount
from core.payment_providers.stripe_checkout import StripeCheckoutProvider
from core.payment_providers.stripe_terminal import StripeTerminalProvider
from core.repo import backup
from core.repo.backup import BackupSummary
from core.repo.client import Connection, connect, embedded_server, storage_failures
from core.repo.embedded import EmbeddedServer
from core.repo.marks import DEMO_MARK
from core.repo.store import Store
from core.services.access import Access
from core.services.aftersales import AfterSalesService
from core.services.approvals import ApprovalService
from core.services.audit import AuditService
from core.services.auth import AuthService
from core.services.booking import BookingService
from core.services.cash import CashDrawerService
from core.services.catalog import CatalogService
from core.services.checkout import CheckoutService
from core.services.confirmation import Confirmation
from core.services.customers import CustomerService
from core.services.devices import DeviceService
from core.services.inventory import InventoryService
from core.services.keys import KeyFiles, SigningKeys
from core.services.notify import NotifyService
from core.services.payment_methods import PaymentMethods
from core.services.pricing import PricingService
from core.services.promos import PromoService
from core.services.reconcile import ReconcileService
from core.services.refunds import Refunds
from core.services.relayout import LayoutChanges
from core.services.reports import ReportService
from core.services.schedule import ScheduleService
from core.services.sell import SellService
from core.services.tickets import TicketService
from core.services.venues import VenueService


@dataclass
class BoxOffice:
    config: Config
    connection: Connection
    store: Store
    events: EventBus
    access: Access
    catalog: CatalogService
    venues: VenueService
    schedule: ScheduleService
    pricing: PricingService
    promos: PromoService
    inventory: InventoryService
    payments: PaymentMethods
    booking: BookingService  # baskets: seats held, tickets, extras, promo, quote
    checkout: CheckoutService
    sales: SellService  # a whole sale in one command
    aftersales: AfterSalesService
    reconcile: ReconcileService
    keys: SigningKeys  # session and ticket signing keys, kept in the database
    tickets: TicketService
    auth: AuthService
    customers: CustomerService
    devices: DeviceService  # paired kiosks, door scanners and counter terminals
    audit: AuditService
    approvals: ApprovalService
    notify: NotifyService
    cash: CashDrawerService
    reports: ReportService

    def healthy(self) -> bool:
        """Whether the database answers within a second; UIs show "out of service" while
        it does not. After an outage it first finds the server again (in a thread, then)."""
        return self.connection.ping()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> BoxOffice:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_box_office(
    config: Config | None = None, db_name: str | None = None, clock: Clock = time.time
) -> BoxOffice:
    """Connect (starting the embedded server if no URI is set), ensure indexes, build services."""
    config = config or load_config()
    prepare_data_dir(config.data_dir)
    connection = connect(config, db_name)
    try:
        store = Store(connection.database)
        store.ensure_indexes()
    except Exception:
        connection.close()
        raise
    events = EventBus()
    access = Access(store.audit.insert_many, clock)
    payments = payment_methods(
        config, test_mode=lambda: config.payments.test_mode or store.marks.has(DEMO_MARK)
    )
    inventory = InventoryService(store, store.seats, access, events, clock)
    cash = CashDrawerService(store, access, config.pricing.currency, clock)
    booking = BookingService(
        store,
        inventory,
        events,
        access,
        config.booking,
        config.pricing,
        clock,
        country=config.box_office.country,
    )
    refunds = Refunds(store, payments, events)
    confirmation = Confirmation(store, inventory, refunds, events, clock)
    checkout = CheckoutService(store, booking, payments, cash, confirmation, access, clock)

    keys = SigningKeys(store.signing_keys, access, key_files(config), clock)
    tickets = TicketService(store, access, config.tickets, keys, clock)
    auth = AuthService(store, access, config, keys, clock)
    aftersales = AfterSalesService(
        store, inventory, booking, payments, refunds, events, access, cash, clock
    )
    notify = NotifyService(store, access, config, tickets, clock)
    notify.subscribe(events)

    def close_sales(showtime_id: str) -> None:
        inventory.close_sales(showtime_id)
        booking.forget_showtime(showtime_id)

    return BoxOffice(
        config=config,
        connection=connection,
        store=store,
        events=events,
        access=access,
        catalog=CatalogService(store, access, events),
        venues=VenueService(
            store,
            access,
            events,
            LayoutChanges(store, inventory.forget_layout, clock),
            country=config.box_office.country,
        ),
        schedule=ScheduleService(store, access, events, config.schedule, close_sales),
        pricing=PricingService(store, access, events, config.pricing),
        promos=PromoService(store, access, events, config.pricing),
        inventory=inventory,
        payments=payments,
        booking=booking,
        checkout=checkout,
        sales=SellService(store, booking, checkout, payments, access),
        aftersales=aftersales,
        reconcile=ReconcileService(store, inventory, payments, confirmation, access, clock),
        keys=keys,
        tickets=tickets,
        auth=auth,
        customers=CustomerService(
            store, access, auth, tickets, clock, country=config.box_office.country
        ),
        devices=DeviceService(store, access, auth, config, clock),
        audit=AuditService(store, access),
        approvals=ApprovalService(store, access, aftersales, clock),
        notify=notify,
        cash=cash,
        reports=ReportService(store, access, config.pricing.currency),
    )


def key_files(config: Config) -> KeyFiles:
    """The key files an installation from before keys lived in the database signed
    with: imported once, when the database has no key of their purpose yet."""
    return {
        "sessions": (config.session_key_path, "auth.session_key_file"),
        "tickets": (config.ticket_key_path, "tickets.key_file"),
    }


def payment_methods(config: Config, test_mode: Callable[[], bool]) -> PaymentMethods:
    """Every way to pay; card providers without keys refuse with a plain line. One that
    moves no money is taken at the counter only while ``test_mode()`` says so."""
    stripe = StripeAccount(config.stripe)
    return PaymentMethods(
        [
            CashProvider(config.pricing.currency),
            SimulatedProvider(SimulatedLedger(config.data_dir / "simulated-acquirer.sqlite")),
            StripeTerminalProvider(stripe, config.kiosk.stripe_reader_id),
            StripeCheckoutProvider(stripe),
            PaypalProvider(config.paypal),
        ],
        test_mode,
    )


# Errors of the database driver that UIs turn into one line ("database error: ...").
STORAGE_FAILURES = storage_failures()


def embedded_database(config: Config) -> EmbeddedServer:
    """The shared embedded server of the configured data dir (``marquee db``)."""
    return embedded_server(config)


def back_up_database(config: Config, target: Path) -> BackupSummary:
    """``marquee db backup``: the embedded database copied into ``target``."""
    return backup.back_up(config.data_dir, target)


def restore_database(config: Config, source: Path) -> tuple[str, ...]:
    """``marquee db restore``: the embedded database replaced by the backup ``source``."""
    return backup.restore(config.data_dir, source)
