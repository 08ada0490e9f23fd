"""`marquee kiosk` and `marquee-kiosk`: options, and the theater the kiosk sells for."""

from __future__ import annotations

import sys

import pytest
from api_support import LOCAL_TOKEN, app_of

from client.remote import RemoteBoxOffice
from console.cli import run_kiosk as kiosk_main


def test_marquee_kiosk_is_a_command_with_its_options(cli):
    result = cli("kiosk", "--help")
    assert result.exit_code == 0
    assert "--theater" in result.stdout and "--demo" in result.stdout


def test_an_unknown_theater_is_one_line_and_exit_1(cli):
    assert cli("kiosk", "--theater", "nowhere").error_line() == "error: no theater 'nowhere'"


def test_no_theater_at_all_says_how_to_get_one(cli):
    line = cli("kiosk").error_line()
    assert "there is no theater yet" in line and "marquee kiosk --demo" in line


def test_marquee_kiosk_takes_the_same_options(cli, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["marquee-kiosk", "--theater", "nowhere"])
    with pytest.raises(SystemExit) as exited:
        kiosk_main()
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == "error: no theater 'nowhere'"


def test_the_theater_is_the_option_else_the_config_else_the_first(box_office, admin, config):
    for theater_id in ("alpha", "beta"):
        box_office.venues.add_theater(admin, name=theater_id.title(), theater_id=theater_id)
    owner = RemoteBoxOffice.in_process(app_of(box_office), LOCAL_TOKEN)

    def theater_of(wanted):
        return owner.local_device("kiosk", wanted).theater_id

    assert theater_of("beta") == "beta"
    assert theater_of(None) == "alpha"
    box_office.config = config.with_overrides(kiosk={"theater": "beta"})
    assert theater_of(None) == "beta"


@pytest.mark.parametrize(
    ("methods", "words"),
    [("simulated,bitcoin", "no payment method 'bitcoin'"), ("cash", "counter only")],
)
def test_a_kiosk_refuses_to_start_with_a_way_to_pay_it_cannot_offer(
    hall, monkeypatch, capsys, methods, words
):
    from console import context
    from console.cli import main as cli_main

    monkeypatch.setenv("MARQUEE_KIOSK_PAYMENT_METHODS", methods)
    context.reset()
    code = cli_main(["kiosk"])
    context.reset()
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: config: kiosk.payment_methods:") and words in err


def test_reconcile_runs_when_a_kiosk_starts(box_office, hall, kiosk, clock, admin):
    from core.startup import reconcile_in_background

    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B1"])
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    box_office.store.bookings.save(booking.model_copy(update={"state": "pending_payment"}))
    clock.advance(60 * 60)  # the kiosk that sold it died before confirming
    reconcile_in_background(box_office, "kiosk-2").join(20)
    assert box_office.store.bookings.get(booking.id).state == "confirmed"
