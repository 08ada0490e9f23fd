"""The notify capability: requests and answers of NotifyService."""

from __future__ import annotations

from core.outbox import OutboxMessage
from core.records import SendReport
from server.contract.base import Operation, Request


class NotifyMessagesIn(Request):
    key: str


class NotifyOutboxIn(Request):
    state: str | None = None
    limit: int = 100


class NotifyProvidersIn(Request):
    pass


class NotifyQueueRemindersIn(Request):
    pass


class NotifyRequeueIn(Request):
    key: str | None = None


class NotifyResendIn(Request):
    reference: str


class NotifySendDueIn(Request):
    catch_up: bool = True


OPERATIONS = (
    Operation("notify", "messages", NotifyMessagesIn, list[OutboxMessage], positional=1),
    Operation("notify", "outbox", NotifyOutboxIn, list[OutboxMessage], positional=2),
    Operation(
        "notify", "providers", NotifyProvidersIn, dict[str, str | None], http="GET", actor=False
    ),
    Operation("notify", "queue_reminders", NotifyQueueRemindersIn, int, writes=True),
    Operation("notify", "requeue", NotifyRequeueIn, int, writes=True, positional=1),
    Operation("notify", "resend", NotifyResendIn, int, writes=True, positional=1),
    Operation(
        "notify", "send_due", NotifySendDueIn, SendReport, writes=True, server_side=("stop",)
    ),
)
