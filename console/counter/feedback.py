"""The one line of feedback under a counter screen: what happened, or why not."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.errors import DomainError
from screens.base import sentence


class Feedback:
    """Mixed into a counter screen that has a Static with the id ``MESSAGE_ID``."""

    MESSAGE_ID = "message"
    message: str = ""  # the last thing said, for the clerk and the tests

    def say(self, text: str, style: str = "") -> None:
        self.message = text
        self.query_one(f"#{self.MESSAGE_ID}", Static).update(Text(text, style=style))

    def refused(self, error: DomainError) -> None:
        self.say(sentence(str(error)) + ".", "bold red")
