"""A stand-in for the Stripe API: PaymentIntents, Terminal readers, Checkout, refunds.

It keeps state like Stripe for the calls Marquee makes, honours idempotency
keys the way Stripe does (same key and same parameters: the first answer again;
same key, other parameters: an error) and simulates a reader in test mode and a
customer paying a Checkout Session on their phone."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from fakes.http import FakeService, Request, Response

# Test cards a simulated reader declines, with Stripe's codes and messages.
DECLINES = {
    "4000000000000002": ("card_declined", "Your card was declined."),
    "4000000000009995": ("card_declined", "Your card has insufficient funds."),
    "4000000000000069": ("expired_card", "Your card has expired."),
}


def nested(form: dict[str, str]) -> dict[str, Any]:
    """Stripe's ``a[b][0][c]=v`` form encoding as nested dicts (lists stay dicts by index)."""
    root: dict[str, Any] = {}
    for name, value in form.items():
        parts = re.findall(r"[^\[\]]+", name)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return root


def error(status: int, message: str, kind: str = "invalid_request_error", **extra) -> Response:
    return Response(status, {"error": {"type": kind, "message": message, **extra}})


class FakeStripe(FakeService):
    def __init__(self, api_key: str = "sk_test_marquee") -> None:
        self.api_key = api_key
        self.intents: dict[str, dict] = {}
        self.readers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[dict, Response]] = {}
        self._ids = itertools.count(1)
        super().__init__()

    def routes(self) -> None:
        self.route("POST", r"/v1/payment_intents", self.create_intent)
        self.route("GET", r"/v1/payment_intents/search", self.search_intents)
        self.route("GET", r"/v1/payment_intents/(?P<id>pi_\w+)", self.get_intent)
        self.route("POST", r"/v1/payment_intents/(?P<id>pi_\w+)/capture", self.capture)
        self.route("POST", r"/v1/payment_intents/(?P<id>pi_\w+)/cancel", self.cancel_intent)
        self.route("GET", r"/v1/terminal/readers/(?P<id>[\w-]+)", self.get_reader)
        self.route(
            "POST", r"/v1/terminal/readers/(?P<id>[\w-]+)/process_payment_intent", self.process
        )
        self.route("POST", r"/v1/terminal/readers/(?P<id>[\w-]+)/cancel_action", self.cancel_action)
        self.route(
            "POST",
            r"/v1/test_helpers/terminal/readers/(?P<id>[\w-]+)/present_payment_method",
            self.present,
        )
        self.route("POST", r"/v1/checkout/sessions", self.create_session)
        self.route("GET", r"/v1/checkout/sessions/(?P<id>cs_\w+)", self.get_session)
        self.route("POST", r"/v1/checkout/sessions/(?P<id>cs_\w+)/expire", self.expire_session)
        self.route("POST", r"/v1/refunds", self.create_refund)

    # -- plumbing -----------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    def dispatch(self, request: Request) -> Response:
        if request.header("Authorization") != f"Bearer {self.api_key}":
            with self.lock:
                self.requests.append(request)
            return error(401, "Invalid API Key provided.", "authentication_error")
        if request.method != "POST":
            return super().dispatch(request)
        key = request.header("Idempotency-Key")
        if not key:
            return error(400, "this fake requires an Idempotency-Key on every POST")
        with self.lock:
            scoped = f"{request.path} {key}"
            params = request.form()
            if scoped in self.idempotent:
                first_params, first_response = self.idempotent[scoped]
                self.requests.append(request)
                if first_params != params:
                    return error(
                        400,
                        "Keys for idempotent requests can only be used with "
                        "the same parameters they were first used with.",
                        "idempotency_error",
                    )
                return first_response
            response = super().dispatch(request)
            if response.status < 500:
                self.idempotent[scoped] = (params, response)
            return response

    def keys(self, path_pattern: str) -> list[str]:
        """The Idempotency-Key of every POST to matching paths, in order."""
        return [r.header("Idempotency-Key") for r in self.sent("POST", path_pattern)]

    # -- payment intents ------------------------------------------------------------
    def create_intent(self, request: Request) -> Response:
        params = nested(request.form())
        intent = {
            "id": self.new_id("pi"),
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params["currency"],
            "capture_method": params.get("capture_method", "automatic"),
            "payment_method_types": list(params.get("payment_method_types", {}).values()),
            "metadata": params.get("metadata", {}),
            "description": params.get("description"),
            "status": "requires_payment_method",
            "last_payment_error": None,
            "latest_charge": None,
        }
        self.intents[intent["id"]] = intent
        return Response(200, intent)

    def get_intent(self, request: Request) -> Response:
        intent = self.intents.get(request.params["id"])
        return Response(200, intent) if intent else error(404, "No such payment_intent")

    def search_intents(self, request: Request) -> Response:
        match = re.fullmatch(r"metadata\['(\w+)'\]:'([^']*)'", request.query.get("query", ""))
        if not match:
            return error(400, "this fake searches by one metadata value only")
        name, value = match.groups()
        found = [i for i in self.intents.values() if i["metadata"].get(name) == value]
        body = {"object": "search_result", "data": found, "has_more": False, "url": request.path}
        return Response(200, body)

    def capture(self, request: Request) -> Response:
        intent = self.intents.get(request.params["id"])
        if intent is None:
            return error(404, "No such payment_intent")
        if intent["status"] != "requires_capture":
            return error(
                400,
                f"This PaymentIntent could not be captured because it has a "
                f"status of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(status="succeeded", amount_received=intent["amount"])
        intent["latest_charge"] = self.new_id("ch")
        return Response(200, intent)

    def cancel_intent(self, request: Request) -> Response:
        intent = self.intents.get(request.params["id"])
        if intent is None:
            return error(404, "No such payment_intent")
        if intent["status"] in {"succeeded", "canceled"}:
            return error(
                400,
                f"You cannot cancel this PaymentIntent because it has a status "
                f"of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent["status"] = "canceled"
        return Response(200, intent)

    # -- terminal readers -------------------------------------------------------------
    def reader(self, reader_id: str) -> dict:
        return self.readers.setdefault(
            reader_id,
            {
                "id": reader_id,
                "object": "terminal.reader",
                "label": "Lobby reader",
                "device_type": "simulated_wisepos_e",
                "status": "online",
                "action": None,
            },
        )

    def get_reader(self, request: Request) -> Response:
        return Response(200, self.reader(request.params["id"]))

    def process(self, request: Request) -> Response:
        reader = self.reader(request.params["id"])
        intent = self.intents.get(request.form().get("payment_intent", ""))
        if intent is None:
            return error(400, "No such payment_intent")
        if reader["action"] and reader["action"]["status"] == "in_progress":
            return error(
                409,
                "Reader is currently busy processing another request.",
                code="terminal_reader_busy",
            )
        reader["action"] = {
            "type": "process_payment_intent",
            "status": "in_progress",
            "failure_code": None,
            "failure_message": None,
            "process_payment_intent": {"payment_intent": intent["id"]},
        }
        return Response(200, reader)

    def cancel_action(self, request: Request) -> Response:
        reader = self.reader(request.params["id"])
        if not reader["action"] or reader["action"]["status"] != "in_progress":
            return error(400, "Reader has no in-progress action to cancel.")
        reader["action"].update(
            status="failed",
            failure_code="action_canceled",
            failure_message="The action was canceled.",
        )
        return Response(200, reader)

    def present(self, request: Request) -> Response:
        reader = self.reader(request.params["id"])
        action = reader["action"]
        if not action or action["status"] != "in_progress":
            return error(400, "Reader has no in-progress action.")
        number = nested(request.form()).get("card_present", {}).get("number", "4242424242424242")
        intent = self.intents[action["process_payment_intent"]["payment_intent"]]
        if number in DECLINES:
            code, message = DECLINES[number]
            action.update(status="failed", failure_code=code, failure_message=message)
            intent["last_payment_error"] = {"code": code, "message": message}
        else:
            action["status"] = "succeeded"
            intent["status"] = (
                "requires_capture" if intent["capture_method"] == "manual" else "succeeded"
            )
        return Response(200, reader)

    # -- checkout ---------------------------------------------------------------------
    def create_session(self, request: Request) -> Response:
        params = nested(request.form())
        expires_at = int(params["expires_at"])
        if expires_at < time.time() + 30 * 60 - 60:
            return error(
                400,
                "The `expires_at` timestamp must be at least 30 minutes from "
                "Checkout Session creation.",
            )
        line = params["line_items"]["0"]
        amount = int(line["price_data"]["unit_amount"]) * int(line["quantity"])
        session_id = self.new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "amount_total": amount,
            "currency": line["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "expires_at": expires_at,
            "success_url": params.get("success_url"),
            "url": f"{self.url}/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "line_items_sent": params["line_items"],
        }
        self.sessions[session_id] = session
        return Response(200, session)

    def get_session(self, request: Request) -> Response:
        session = self.sessions.get(request.params["id"])
        return Response(200, session) if session else error(404, "No such checkout.session")

    def expire_session(self, request: Request) -> Response:
        session = self.sessions.get(request.params["id"])
        if session is None:
            return error(404, "No such checkout.session")
        if session["status"] != "open":
            return error(
                400,
                f"Only Checkout Sessions with a status of `open` can be "
                f"expired. This session has a status of `{session['status']}`.",
            )
        session["status"] = "expired"
        return Response(200, session)

    def pay_session(self, session_id: str) -> dict:
        """The customer pays on their phone."""
        with self.lock:
            session = self.sessions[session_id]
            assert session["status"] == "open", "only an open session can be paid"
            intent = {
                "id": self.new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"],
                "currency": session["currency"],
                "capture_method": "automatic",
                "payment_method_types": ["card"],
                "metadata": dict(session["metadata"]),
                "status": "succeeded",
                "last_payment_error": None,
                "latest_charge": self.new_id("ch"),
            }
            self.intents[intent["id"]] = intent
            session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
            return session

    # -- refunds ----------------------------------------------------------------------
    def create_refund(self, request: Request) -> Response:
        params = request.form()
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return error(400, "This PaymentIntent has no successful charge to refund.")
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        amount = int(params.get("amount", intent["amount_received"] - refunded))
        if amount <= 0 or refunded + amount > intent["amount_received"]:
            return error(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount "
                f"on charge ({intent['amount_received'] - refunded}).",
                code="charge_already_refunded",
            )
        refund = {
            "id": self.new_id("re"),
            "object": "refund",
            "amount": amount,
            "payment_intent": intent["id"],
            "status": "succeeded",
            "currency": intent["currency"],
        }
        self.refunds[refund["id"]] = refund
        return Response(200, refund)

    def refunded(self, intent_id: str) -> int:
        return sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent_id)
