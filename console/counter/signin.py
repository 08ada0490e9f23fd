"""Signing in at the counter: nothing else of the console shows before it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from console.counter.staff import staff_actor
from core.errors import DomainError
from screens.base import run_db, sentence


class SignInScreen(Screen):
    CSS_PATH = "signin.tcss"

    def compose(self) -> ComposeResult:
        # The box in the middle of the space above the footer, whatever its height.
        with Center(id="signin-page"), Vertical(id="signin-box"):
            yield Static(Text("Marquee counter", style="bold"), id="signin-title")
            yield Static("Sign in with your staff account.")
            yield Input(placeholder="name", id="signin-login")
            yield Input(placeholder="password", password=True, id="signin-password")
            message = Static("", id="signin-message")
            message.display = False  # until there is something to say
            yield message
        yield Footer()

    def on_screen_resume(self) -> None:
        """Back after a sign-out: nothing of the last clerk's is left in the fields."""
        for field in self.query(Input):
            field.value = ""
        self.say("")
        self.query_one("#signin-login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        login = self.query_one("#signin-login", Input).value
        password = self.query_one("#signin-password", Input)
        if event.input.id == "signin-login":
            password.focus()
            return
        if not login.strip() or not password.value:
            empty = "#signin-login" if not login.strip() else "#signin-password"
            self.say("Type your name and your password.", "bold red")
            self.query_one(empty, Input).focus()
            return
        clerk = self.app.staff_client()
        secret, password.value = password.value, ""  # never kept on screen
        self.say("Signing in…")

        def sign_in():
            session = clerk.sign_in(login, secret)  # at this till: with its device token
            return clerk, staff_actor(clerk), session.token_expires_at

        run_db(self, sign_in, self.app.signed_in, on_refused=self.refused)

    def refused(self, error: DomainError) -> None:
        self.say(sentence(str(error)) + ".", "bold red")
        self.query_one("#signin-password", Input).focus()

    def say(self, text: str, style: str = "") -> None:
        message = self.query_one("#signin-message", Static)
        message.update(Text(text, style=style))
        message.display = bool(text)  # no empty line at the bottom of the box
