"""A refusal from the box-office server, raised again as the domain error it was."""

from __future__ import annotations

import httpx

from core.errors import DomainError, MarqueeError
from server.contract.errors import rebuild


def refusal(response: httpx.Response) -> MarqueeError:
    """The error an answer other than 200 carries, as the server raised it."""
    try:
        error = response.json()["error"]
        return rebuild(str(error["code"]), str(error["message"]), dict(error.get("details") or {}))
    except (ValueError, KeyError, TypeError):
        return DomainError(f"the box-office server answered {response.status_code}")


def refusal_code(response: httpx.Response) -> str:
    """The stable code of a refusal (``no_such_path``); "" for an answer without one."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
