"""Signing in at the kiosk, registering, or going on as a guest.

Both forms are read with the keyboard: Enter goes to the next field and, in the
last one, sends the form. The password is masked and never kept: the app keeps
only the session the box office gives back. A refusal is one plain sentence.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from core.errors import AlreadyExists, DomainError, InvalidInput, SignInFailed
from screens.account import AccountScreen
from screens.base import CustomerScreen, sentence
from screens.browse import on_to_programme
from server.contract.session import SessionOut

FIELD_WORDS = {
    "login": "E-mail or phone",
    "email": "E-mail address",
    "phone": "Phone number",
    "password": "Password",
    "name": "Name",
}


def friendly(error: DomainError) -> str:
    """A refusal of the account services as one sentence for the customer."""
    if isinstance(error, SignInFailed):
        return (
            "That e-mail or phone number and password do not match an account "
            "(after several tries, please wait a few minutes)."
        )
    if isinstance(error, AlreadyExists):
        return f"There is already an account for {error.key}: please sign in instead."
    if isinstance(error, InvalidInput):
        if error.field == "email":
            return "That does not look like an e-mail address."
        return f"{FIELD_WORDS.get(error.field, sentence(error.field))}: {error.problem}."
    return sentence(str(error)).rstrip(".") + "."


class AccountForm(CustomerScreen):
    """What the sign-in and register forms share: fields in order, a status line.
    ``login`` is what the customer typed on the other form (kept when they switch)."""

    CSS_PATH = "sign_in.tcss"
    LOGIN_ID = ""

    def __init__(self, login: str = "") -> None:
        super().__init__()
        self.login = login

    def on_mount(self) -> None:
        field = self.query_one(f"#{self.LOGIN_ID}", Input)
        field.value = self.login
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        fields = list(self.query(Input))
        index = fields.index(event.input)
        if index + 1 < len(fields):
            fields[index + 1].focus()
        else:
            self.send()

    def send(self) -> None:
        """Send the form."""

    def say(self, text: str, style: str = "bold red") -> None:
        self.query_one(".form-status", Static).update(Text(text, style=style))

    def value(self, input_id: str) -> str:
        return self.query_one(f"#{input_id}", Input).value

    def signed_in(self, session: SessionOut) -> None:
        self.host.customer_signed_in(session)
        self.app.switch_screen(AccountScreen())

    def refused(self, error: DomainError) -> None:
        self.say(friendly(error))
        for field in self.query(Input):
            if field.password:
                field.clear()
        self.query(Input).first().focus()

    def action_guest(self) -> None:
        on_to_programme(self.app)


class SignInScreen(AccountForm):
    LOGIN_ID = "sign-in-login"
    BINDINGS = [
        Binding("escape", "guest", "Continue as guest"),
        Binding("ctrl+r", "register", "Register"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form-box"):
            yield Static("Sign in", classes="form-title")
            yield Static(
                "See your bookings and tickets, and buy with your saved preferences.",
                classes="form-intro",
            )
            yield Label("E-mail or phone number")
            yield Input(placeholder="name@example.com or +1 555 0100", id="sign-in-login")
            yield Label("Password")
            yield Input(password=True, id="sign-in-password")
            yield Static("", classes="form-status")
            with Horizontal(classes="form-buttons"):
                yield Button("Sign in", id="sign-in-go", variant="primary")
                yield Button("Register", id="sign-in-register")
                yield Button("Continue as guest", id="sign-in-guest")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {
            "sign-in-go": self.send,
            "sign-in-register": self.action_register,
            "sign-in-guest": self.action_guest,
        }[event.button.id or ""]()

    def send(self) -> None:
        login, password = self.value("sign-in-login").strip(), self.value("sign-in-password")
        if not login or not password:
            self.say("Please type your e-mail or phone number and your password.")
            return
        self.say("Signing in…", "italic")
        customer = self.box_office.with_token(None)  # a customer's session is not the kiosk's
        self.call_db(
            lambda: customer.sign_in(login, password, customer=True),
            self.signed_in,
            on_refused=self.refused,
            exclusive=True,
        )

    def action_register(self) -> None:
        self.app.switch_screen(RegisterScreen(self.value(self.LOGIN_ID)))


class RegisterScreen(AccountForm):
    LOGIN_ID = "register-login"
    BINDINGS = [
        Binding("escape", "sign_in", "Back to sign in"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form-box"):
            yield Static("Create your account", classes="form-title")
            yield Label("E-mail or phone number (your tickets go there)")
            yield Input(placeholder="name@example.com or +1 555 0100", id="register-login")
            yield Label("Password (at least 8 characters)")
            yield Input(password=True, id="register-password")
            yield Label("The same password again")
            yield Input(password=True, id="register-again")
            yield Label("Your name (optional)")
            yield Input(id="register-name")
            yield Static("", classes="form-status")
            with Horizontal(classes="form-buttons"):
                yield Button("Register", id="register-go", variant="primary")
                yield Button("Continue as guest", id="register-guest")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "register-go":
            self.send()
        else:
            self.action_guest()

    def send(self) -> None:
        login, name = self.value("register-login").strip(), self.value("register-name").strip()
        password = self.value("register-password")
        if not login:
            self.say("Please type an e-mail address or a phone number.")
            self.query_one("#register-login").focus()
            return
        if password != self.value("register-again"):
            self.say("The two passwords are not the same: please type them again.")
            self.query_one("#register-again", Input).clear()
            self.query_one("#register-password", Input).clear()
            self.query_one("#register-password").focus()
            return
        self.say("Creating your account…", "italic")
        box_office = self.box_office
        self.call_db(
            lambda: box_office.register(login, password, name),
            self.signed_in,
            on_refused=self.refused,
            exclusive=True,
        )

    def action_sign_in(self) -> None:
        self.app.switch_screen(SignInScreen(self.value(self.LOGIN_ID)))
