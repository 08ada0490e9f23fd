"""The summary of what is being bought, and paying for it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from core.basket import Basket
from core.errors import (
    DomainError,
    InvalidInput,
    NoOpenShift,
    PaymentDeclined,
    PaymentFailed,
    PaymentTakenPendingSettlement,
    PaymentUnavailable,
    SeatsLost,
)
from core.models import Booking, MoneyMovement
from core.money import format_amount, parse_amount
from core.payment_providers.simulated import APPROVED_CARD
from core.quote import Quote
from core.records import PaymentChoice, ShowtimeInfo
from screens.base import SaleScreen, sale_footer, sentence, showing_line
from screens.confirm import Confirm
from screens.confirmation import ConfirmationScreen
from screens.widgets.qr import QrCode


def quote_table(quote: Quote) -> Table:
    """Every line of a quote, the total and the tax it includes."""
    money = lambda amount: format_amount(amount, quote.currency)  # noqa: E731
    # Two columns: a quantity column would squeeze "seat P20 (vip)" onto two lines.
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column("item", ratio=1)
    table.add_column("amount", justify="right", no_wrap=True)
    for line in quote.lines:
        quantity = f"{line.quantity} × " if line.kind == "extra" else ""
        style = "green" if line.kind == "discount" else ""
        table.add_row(Text(quantity + line.description, style=style), money(line.amount))
    table.add_row("", "")
    table.add_row(Text("Total", style="bold"), Text(money(quote.total), style="bold"))
    table.add_row(Text("of which tax", style="dim"), Text(money(quote.tax_included), "dim"))
    return table


def retry_advice(error: PaymentFailed) -> str:
    """What to do after a failed payment. Only a decline blames the card; a payment
    service that cannot be used has said what to do (nothing was charged)."""
    if isinstance(error, PaymentDeclined):
        return ": try again, or use another card"
    if isinstance(error, PaymentUnavailable):
        return ""
    return ": try again"


class PaymentScreen(SaleScreen):
    CSS_PATH = "payment.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel and start again"),
        Binding("ctrl+b", "back", "Change tickets"),
        Binding("tab", "app.focus_next", "Next field"),
        Binding("up", "method(-1)", "Previous way to pay", show=False),
        Binding("down", "method(1)", "Next way to pay", show=False),
    ]

    def __init__(self, info: ShowtimeInfo, basket: Basket) -> None:
        super().__init__()
        self.info = info
        self.basket = basket  # read-only: every change comes back from a service call
        self.providers: list[PaymentChoice] = []
        self._focus_after: Widget | None = None  # where the customer was when paying
        self._polling = False
        self.status = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Your order", style="bold"), id="payment-title")
        yield Static(showing_line(self.info, self.basket.seats), id="payment-showing")
        with Horizontal(id="payment-body"):
            yield Static("Working out the total…", id="payment-summary")
            yield Vertical(id="payment-waiting")
            with Vertical(id="payment-pay"):
                yield Static("Pay with:")
                yield OptionList(id="payment-methods")
                yield Static("Card number:", id="payment-card-label")
                yield Input(APPROVED_CARD, id="payment-card", max_length=19)
                yield ProgressBar(total=None, show_eta=False, id="payment-progress")
                yield Static("Press Enter to pay.", id="payment-status")
        yield sale_footer(self)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        if self.host.payment_methods[:1] == ["cash"]:
            self.show_method("cash")  # at a till: the cash field takes keys at once
        self.query_one("#payment-waiting").display = False
        self._poll_timer = self.set_interval(
            self.host.settings.payment_poll_s, self.poll, pause=True
        )
        booking, actor, basket_id = self.box_office.booking, self.actor, self.basket.id
        payments, names = self.box_office.payments, list(self.host.payment_methods)

        def choices() -> list[PaymentChoice]:
            offered = []
            for name in names:
                try:
                    offered.append(payments.choice(actor, name))
                except DomainError:
                    continue  # a method this seller may not use (cash at a kiosk)
            return offered

        self.call_db(choices, self.show_choices)
        self.call_db(lambda: booking.quote(actor, basket_id), self.show_quote)

    def show_choices(self, offered: list[PaymentChoice]) -> None:
        self.providers = offered
        methods = self.query_one(OptionList)
        methods.set_options(Option(p.label, id=p.name) for p in self.providers)
        methods.highlighted = 0 if self.providers else None
        self.show_method(self.providers[0].name if self.providers else None)

    def show_quote(self, quote: Quote) -> None:
        self.query_one("#payment-summary", Static).update(quote_table(quote))

    def takes_card(self, method: str | None) -> bool:
        """Whether a card number typed here stands for the card (demo and test mode)."""
        return method == "simulated" or any(
            choice.name == method and choice.test_cards for choice in self.providers
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_method(event.option.id)

    def show_method(self, method: str | None) -> None:
        """The field this way to pay needs (the cash handed over, or a test card's
        number), focused so typing goes straight into it; up/down still change the way."""
        cash = method == "cash"
        typed = cash or self.takes_card(method)
        field = self.query_one("#payment-card", Input)
        label = self.query_one("#payment-card-label", Static)
        label.update("Cash handed over:" if cash else "Card number:")
        if cash != (field.max_length == 12):
            field.value, field.max_length = ("", 12) if cash else (APPROVED_CARD, 19)
        field.display = label.display = typed
        if not self.busy:
            (field if typed else self.query_one(OptionList)).focus()

    def action_method(self, step: int) -> None:
        methods = self.query_one(OptionList)
        if methods.option_count and not self.busy:
            methods.highlighted = ((methods.highlighted or 0) + step) % methods.option_count

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.pay()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.pay()

    def pay(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if self.busy or option is None or option.id is None:
            return
        method = option.id
        field = self.query_one("#payment-card", Input)
        typed = field.value.strip()
        if method == "cash" and not typed:
            self.say("Type the cash handed over (like 20.00), then Enter.", "bold red")
            field.focus()
            return
        card = typed.replace(" ", "") if self.takes_card(method) else ""
        self._focus_after = self.focused
        self.set_busy(True)
        self.say("Paying…")
        box_office, actor, basket_id = self.box_office, self.actor, self.basket.id
        currency = self.host.settings.currency

        def start() -> tuple[Booking, Basket]:
            simulated = method == "simulated"
            tendered = parse_amount(typed, currency, "cash") if method == "cash" else None
            booking = box_office.checkout.checkout(
                actor,
                basket_id,
                method,
                card=(card or None) if simulated else None,
                tendered=tendered,
            )
            if booking.state == "pending_payment" and card and not simulated:
                box_office.checkout.present_test_card(actor, basket_id, card)
            return booking, box_office.booking.basket(actor, basket_id)

        self.call_db(start, self.started, on_refused=self.refused, exclusive=True, group="pay")

    # -- waiting for a reader or a phone ------------------------------------------------
    async def started(self, answer: tuple[Booking, Basket]) -> None:
        booking = answer[0]
        self.keep_basket(answer[1])
        if booking.state != "pending_payment":
            self.paid(booking)
            return
        await self.show_waiting(booking.outstanding_payment())
        self._poll_timer.resume()

    async def show_waiting(self, payment: MoneyMovement) -> None:
        """The QR code to scan, or where to present the card, instead of the order summary."""
        waiting = self.query_one("#payment-waiting", Vertical)
        await waiting.remove_children()
        action = payment.action
        text = action.get("text", "Follow the instructions on the card reader")
        widgets: list[Widget] = [QrCode(action["url"])] if action.get("kind") == "qr" else []
        widgets.append(Static(Text(text, style="bold"), classes="instructions"))
        widgets.append(Static(Text("Press Escape to cancel the payment.", style="dim")))
        await waiting.mount_all(widgets)
        self.query_one("#payment-summary").display = False
        waiting.display = True
        self.say("Waiting for your payment…")

    def hide_waiting(self) -> None:
        self._poll_timer.pause()
        self.query_one("#payment-waiting").display = False
        self.query_one("#payment-summary").display = True

    def poll(self) -> None:
        if self._polling:
            return  # the last look is still out: one at a time
        self._polling = True
        box_office, actor, basket_id = self.box_office, self.actor, self.basket.id
        self.call_db(
            lambda: box_office.checkout.follow_payment(actor, basket_id),
            self.followed,
            on_refused=self.poll_refused,
            group="poll",
        )

    def followed(self, booking: Booking) -> None:
        self._polling = False
        if booking.state == "confirmed":
            self.paid(booking)

    def poll_refused(self, error: DomainError) -> None:
        self._polling = False
        self.refused(error)

    def cancel_waiting(self) -> None:
        self._poll_timer.pause()
        self.say("Cancelling the payment…")
        box_office, actor, basket_id = self.box_office, self.actor, self.basket.id
        self.call_db(
            lambda: box_office.checkout.cancel_payment(actor, basket_id),
            self.cancelled,
            on_refused=self.refused,
            exclusive=True,
            group="poll",
        )

    def cancelled(self, booking: Booking) -> None:
        if booking.state == "confirmed":
            self.paid(booking)  # it got through just before the cancel
            return
        self.hide_waiting()
        self.set_busy(False)
        self.say("Payment cancelled. Your seats are still held: choose how to pay.")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one(ProgressBar).display = busy
        self.query_one(OptionList).disabled = busy
        self.query_one(Input).disabled = busy
        if not busy:
            (self._focus_after or self.query_one(OptionList)).focus()

    def say(self, text: str, style: str = "") -> None:
        self.status = text  # the last thing said, for the tests
        self.query_one("#payment-status", Static).update(Text(text, style=style))

    def paid(self, booking: Booking) -> None:
        self.hide_waiting()
        self.set_busy(False)
        self.host.basket = None  # the seats are sold: nothing is left to release
        self.app.switch_screen(ConfirmationScreen(booking, self.info))

    def refused(self, error: DomainError) -> None:
        self.hide_waiting()
        self.set_busy(False)
        if isinstance(error, SeatsLost):
            self.host.basket = None  # nothing is held any more
            self.say(f"{sentence(str(error))}. Press Escape to start again.", "bold red")
        elif isinstance(error, PaymentTakenPendingSettlement):
            self.host.basket = None  # the booking holds the seats until it is settled
            self.say(f"{sentence(str(error))}. Press Escape to finish.", "bold red")
        elif isinstance(error, PaymentFailed):
            self.look_again()  # the basket now names the booking its payment started
            advice = retry_advice(error)
            self.say(f"{sentence(str(error))}. Your seats are still held{advice}.", "bold red")
        elif isinstance(error, NoOpenShift):  # the sale stands while the drawer is opened
            how = getattr(self.host, "open_drawer_hint", "open a cash drawer shift first")
            self.say(f"No cash drawer shift is open. Your seats are still held: {how}.", "bold red")
        elif isinstance(error, InvalidInput):  # what was typed: the sale stands
            self.say(f"{sentence(str(error))}. Type it again, then Enter.", "bold red")
            self.query_one("#payment-card", Input).focus()
        else:
            self.say(f"{sentence(str(error))}. Press Escape to start again.", "bold red")

    def look_again(self) -> None:
        box_office, actor, basket_id = self.box_office, self.actor, self.basket.id
        self.call_db(lambda: box_office.booking.basket(actor, basket_id), self.keep_basket)

    @property
    def waiting(self) -> bool:
        return bool(self.query_one("#payment-waiting").display)

    def action_cancel(self) -> None:
        if self.waiting:
            self.cancel_waiting()
        elif self.busy:
            return
        elif self.host.basket is None:  # nothing held any more: nothing to lose
            self.host.end_sale()
        else:
            seats = ", ".join(self.host.basket.seats)
            ask = Confirm(
                "Cancel this order?",
                f"Cancel this order and free seats {seats}?",
                "Keep my order",
                "Cancel the order",
                tone="warning",
            )
            self.app.push_screen(ask, self.cancel_answered)

    def cancel_answered(self, cancel: bool | None) -> None:
        if cancel and not self.busy:
            self.host.end_sale()

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()
