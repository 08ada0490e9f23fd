"""Helpers for the CLI tests (no tests here): a small cinema seeded through the services
and a seat's state read back."""

from __future__ import annotations

import datetime as dt

LAYOUT = "=== SCREEN ===\nA  SSSSSSSS\nB  WCSSSSVV\n"


def seed_cinema(box_office, admin) -> str:
    """A theater with one small auditorium, two movies, a price card, an extra and a
    showtime of 'dune' tomorrow; returns the showtime id."""
    box_office.venues.add_theater(admin, name="Roxy", theater_id="roxy")
    room = box_office.venues.add_auditorium(
        admin, theater_id="roxy", name="One", layout_text=LAYOUT
    )
    box_office.catalog.add_movie(admin, title="Dune", runtime_min=155, movie_id="dune")
    box_office.catalog.add_movie(admin, title="Heat", runtime_min=170, movie_id="heat")
    box_office.pricing.add_price_card(
        admin,
        name="Standard",
        tickets={"adult": 1250, "child": 900},
        surcharges={"vip": 300},
        card_id="standard",
    )
    box_office.pricing.add_extra(admin, name="Popcorn large", price=650, extra_id="popcorn-large")
    return _standard_showtime(box_office, admin, "dune", room.id, dt.timedelta(days=1))


def open_doors(box_office, admin) -> str:
    """A showtime of 'heat' starting in ten minutes (its doors are open now); returns its id."""
    later = box_office.store.showtimes.get(seed_cinema(box_office, admin))
    return _standard_showtime(
        box_office, admin, "heat", later.auditorium_id, dt.timedelta(minutes=10)
    )


def _standard_showtime(box_office, admin, movie_id: str, auditorium_id: str, starts_in) -> str:
    """A showtime on the 'standard' price card, ``starts_in`` from now; returns its id."""
    show = box_office.schedule.add_showtime(
        admin,
        movie_id=movie_id,
        auditorium_id=auditorium_id,
        starts_at=dt.datetime.now(dt.UTC) + starts_in,
        price_card_id="standard",
    )
    return show.id


def state(box_office, admin, show: str, seat: str) -> str:
    return str(box_office.inventory.seat_map(admin, show).state(seat))
