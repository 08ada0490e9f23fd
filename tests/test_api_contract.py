"""The API contract matches the services: every operation's request fields are its
method's parameters after the caller (names, types, defaults, order), and its answer
is the method's return type; and every capability the terminals call is covered."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

import pytest

from core.bootstrap import BoxOffice, open_box_office
from core.services.access import Actor
from server.contract import BY_NAME, OPERATIONS

ROOT = Path(__file__).resolve().parent.parent


def service_classes() -> dict[str, type]:
    hints = typing.get_type_hints(BoxOffice)
    return {name: kind for name, kind in hints.items() if kind.__module__.startswith("core.")}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_each_operation_matches_its_service_method(op):
    method = getattr(service_classes()[op.service], op.method)
    hints = typing.get_type_hints(method)
    parameters = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
    if op.actor:
        first = parameters.pop(0)
        assert hints[first.name] in (Actor, Actor | None), "the caller is the first parameter"
    fields = op.request.model_fields
    expected = [
        p for p in parameters if p.name not in op.server_side and p.kind is not p.VAR_KEYWORD
    ]
    assert [name for name in fields if name != op.splat] == [p.name for p in expected]
    for parameter in expected:
        field = fields[parameter.name]
        assert field.annotation == hints[parameter.name], parameter.name
        if parameter.default is inspect.Parameter.empty:
            assert field.is_required(), parameter.name
        else:
            assert field.get_default(call_default_factory=True) == parameter.default
    positional = [p for p in expected if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert op.positional == len(positional)
    splat = [p.name for p in parameters if p.kind is p.VAR_KEYWORD]
    assert ([op.splat] if op.splat else []) == splat
    assert set(op.server_side) <= {p.name for p in parameters}
    answer = type(None) if op.response is None else op.response
    assert answer == hints.get("return", type(None))


def test_the_paths_are_stable_and_distinct():
    paths = [op.path for op in OPERATIONS]
    assert len(set(paths)) == len(paths)
    assert BY_NAME["booking.hold"].path == "/api/v1/booking/hold"
    assert BY_NAME["sales.sell"].writes and not BY_NAME["reports.sales"].writes


def test_every_service_call_of_the_cli_has_an_operation():
    """What console/commands call on the box office (``box_office.<service>.<method>(``)
    is in the contract, bar what stays on the server (workers, the webhook's settle)."""
    import re

    server_side = {"notify.work", "reconcile.settle_reported", "payments.get"}
    server_side.add("auth.sign_in")  # POST /api/v1/sessions
    # `marquee keys` and `marquee devices add` are server-side commands: they open the core.
    server_side |= {"keys.keys", "keys.rotate", "keys.retire", "keys.import_key"}
    server_side |= {"devices.add"}
    # Sums the figures of a shift it is handed: cash.summary(actor, shift.id) answers
    # the same over the API, with the caller's access checked.
    server_side.add("cash.summary_of")
    called = set()
    for path in (ROOT / "console" / "commands").glob("*.py"):
        called |= set(re.findall(r"box_office\.([a-z_]+\.[a-z_]+)\(", path.read_text()))
    services = set(service_classes())
    wanted = {name for name in called if name.split(".")[0] in services} - server_side
    assert wanted - set(BY_NAME) == set()


def test_the_contract_imports_without_the_services():
    """The client's side of the contract needs no service module loaded."""
    import subprocess
    import sys

    code = (
        "import sys, server.contract, client.remote\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in (['core', 'services'],"
        " ['core', 'repo']) or m == 'fastapi']\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_open_box_office_is_what_the_contract_names(config):
    with open_box_office(config) as box_office:
        for op in OPERATIONS:
            assert callable(getattr(getattr(box_office, op.service), op.method)), op.name
