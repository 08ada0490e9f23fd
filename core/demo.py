"""A realistic demo dataset, seeded through the services, safe to run again.

Two theaters, five auditoriums (one of 1,200 seats), nine movies, two price
cards, extras and a week of showtimes from today. Running it again adds only
what is missing, such as the days that have come into the week since.

The demo is seeded only on an empty box office, which it then marks as the demo;
on any other it refuses. Its accounts have public passwords, so they are added
only where there are no accounts at all, and carry the demo flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, NotRequired, TypedDict

from core.errors import AlreadyExists, NotFound, NotTheDemo
from core.layout import grid_layout
from core.models import slugify
from core.repo.marks import DEMO_MARK
from core.services.access import Actor

if TYPE_CHECKING:
    from core.bootstrap import BoxOffice

THEATERS = [
    {
        "theater_id": "downtown",
        "name": "Marquee Downtown",
        "city": "New York",
        "address": "1 Broadway",
        "timezone": "America/New_York",
    },
    {
        "theater_id": "riverside",
        "name": "Marquee Riverside",
        "city": "London",
        "address": "12 South Bank",
        "timezone": "Europe/London",
    },
]

MOVIES = [
    (
        "The Last Lighthouse",
        118,
        ["drama", "mystery"],
        "PG-13",
        "A keeper on a storm-bound island finds a logbook written in her own hand.",
    ),
    (
        "Orbit of Ash",
        142,
        ["sci-fi", "adventure"],
        "PG-13",
        "A salvage crew at the edge of the solar system answers a distress call forty years old.",
    ),
    (
        "Paper Moons",
        96,
        ["comedy", "romance"],
        "PG",
        "Two rival origami artists are booked for the same wedding.",
    ),
    (
        "Night Shift at the Zoo",
        88,
        ["animation", "family", "comedy"],
        "G",
        "When the keepers go home, the penguins open a restaurant.",
    ),
    (
        "Cold Ledger",
        124,
        ["thriller", "crime"],
        "R",
        "An auditor follows one missing cent into the heart of a cartel.",
    ),
    (
        "The Hollow Choir",
        105,
        ["horror"],
        "R",
        "A village church choir sings one voice more than it has singers.",
    ),
    (
        "Summit",
        131,
        ["documentary", "adventure"],
        "PG",
        "A year with the last sherpas who still climb without oxygen.",
    ),
    (
        "Glass Harbor",
        112,
        ["drama", "romance"],
        "PG-13",
        "A glassblower and a ferry captain, one summer on the northern coast.",
    ),
    (
        "Thunder Run 3",
        128,
        ["action", "adventure"],
        "PG-13",
        "The convoy is back, and this time the road is on fire.",
    ),
]


class _DemoCard(TypedDict):
    card_id: str
    name: str
    tickets: dict[str, int]
    surcharges: dict[str, int]
    theater_id: NotRequired[str]


PRICE_CARDS: list[_DemoCard] = [
    {
        "card_id": "standard",
        "name": "Standard",
        "tickets": {"adult": 1250, "child": 900, "senior": 950, "student": 1000},
        "surcharges": {"vip": 400},
    },
    {  # downtown's: only downtown has IMAX and recliners, so its managers set these
        "card_id": "premium",
        "name": "Premium (IMAX and recliners)",
        "theater_id": "downtown",
        "tickets": {"adult": 1850, "child": 1350, "senior": 1450, "student": 1550},
        "surcharges": {"vip": 300},
    },
]

EXTRAS = [
    ("popcorn-small", "Popcorn, small", "snack", 550),
    ("popcorn-large", "Popcorn, large", "snack", 750),
    ("nachos", "Nachos with cheese", "snack", 650),
    ("soda", "Soda", "drink", 400),
    ("water", "Still water", "drink", 300),
    ("combo", "Large popcorn and two sodas", "combo", 1400),
]

# Auditorium id, theater, name, layout, the format and price card its shows use.
AUDITORIUMS = [
    ("downtown-1", "downtown", "Screen 1 (IMAX)", "grid", "IMAX", "premium"),
    ("downtown-2", "downtown", "Screen 2", "downtown-2.txt", "2D", "standard"),
    ("downtown-3", "downtown", "Screen 3 (recliners)", "downtown-3.txt", "2D", "premium"),
    ("riverside-1", "riverside", "Screen 1", "riverside-1.txt", "2D", "standard"),
    ("riverside-2", "riverside", "Screen 2", "riverside-2.txt", "2D", "standard"),
]

DAYS = 7
FIRST_SHOW = dt.time(11, 0)
LAST_START = dt.time(22, 30)


@dataclass
class DemoReport:
    added: dict[str, int] = field(default_factory=dict)
    # (login, role, password) of the demo accounts, to print: demo passwords are public.
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str, added: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + added


def layout_text(name: str) -> str:
    if name == "grid":  # the big hall: 30 rows of 40, VIP rows and wheelchair places
        return grid_layout(30, 40, aisles=(10, 30), vip_rows=("P", "Q", "R"), wheelchair_row="A")
    return resources.files("core.demo_layouts").joinpath(name).read_text(encoding="utf-8")


# Who seeds the demo for `--demo` and `marquee demo`: only ever on an empty box office
# or on the demo itself, so it opens nothing that was closed.
DEMO_ACTOR = Actor(subject="demo", role="admin")


def seed_demo(
    box_office: BoxOffice, actor: Actor = DEMO_ACTOR, today: dt.date | None = None
) -> DemoReport:
    """Seed the demo on an empty box office, or add what the demo seeded before is
    missing; NotTheDemo, with nothing written, on a box office with data of its own."""
    store = box_office.store
    if not store.marks.has(DEMO_MARK):
        if not store.is_empty():
            raise NotTheDemo()
        # Marked first: a seed cut short is still the demo, and the next run completes it.
        store.marks.put(DEMO_MARK, dt.datetime.now(dt.UTC))
    report = DemoReport()
    add_accounts = not box_office.auth.has_accounts()
    _seed_catalog(box_office, actor, report)
    _seed_accounts(box_office, actor, report, add=add_accounts)
    for auditorium_id, theater_id, _name, _layout, show_format, card in AUDITORIUMS:
        theater = box_office.venues.theater(actor, theater_id)
        start_day = today or dt.datetime.now(theater.zone).date()
        for offset in range(DAYS):
            _seed_day(
                box_office,
                actor,
                report,
                auditorium_id,
                show_format,
                card,
                start_day + dt.timedelta(days=offset),
            )
    return report


# Demo accounts; their passwords are printed by `marquee demo` and in README.
DEMO_ACCOUNTS = (
    ("admin", "Demo Admin", "admin", "marquee-admin", ()),
    ("maria", "Maria Manager", "manager", "marquee-manager", ("downtown", "riverside")),
    ("sam", "Sam at the Counter", "staff", "marquee-staff", ("downtown",)),
)


def _seed_accounts(box_office: BoxOffice, actor: Actor, report: DemoReport, add: bool) -> None:
    """The demo accounts, if ``add`` (there are no accounts yet); the report lists those
    there are, with their public passwords."""
    users = box_office.store.users
    for login, name, role, password, theaters in DEMO_ACCOUNTS:
        if add and users.by_login(login) is None:
            try:
                box_office.auth.add_user(
                    actor, login, name, role, password, list(theaters), demo=True
                )
                report.count("accounts")
            except AlreadyExists:  # another process seeding at the same moment
                pass
        account = users.by_login(login)
        if account is not None and account.demo and not account.disabled:
            report.accounts.append((login, role, password))


def _seed_catalog(box_office: BoxOffice, actor: Actor, report: DemoReport) -> None:
    for theater in THEATERS:
        if not _exists(box_office.venues.theater, actor, theater["theater_id"]):
            box_office.venues.add_theater(actor, **theater)
            report.count("theaters")
    for auditorium_id, theater_id, name, layout, _format, _card in AUDITORIUMS:
        if not _exists(box_office.venues.auditorium, actor, auditorium_id):
            box_office.venues.add_auditorium(
                actor,
                theater_id=theater_id,
                name=name,
                layout_text=layout_text(layout),
                auditorium_id=auditorium_id,
            )
            report.count("auditoriums")
    for title, runtime, genres, rating, synopsis in MOVIES:
        movie_id = _slug(title)
        if not _exists(box_office.catalog.movie, actor, movie_id):
            box_office.catalog.add_movie(
                actor,
                title=title,
                runtime_min=runtime,
                genres=genres,
                rating=rating,
                synopsis=synopsis,
                movie_id=movie_id,
            )
            report.count("movies")
    for card in PRICE_CARDS:
        if not _exists(box_office.pricing.price_card, actor, card["card_id"]):
            box_office.pricing.add_price_card(actor, **card)
            report.count("price cards")
    for extra_id, name, kind, price in EXTRAS:
        if not _exists(box_office.pricing.extra, actor, extra_id):
            box_office.pricing.add_extra(
                actor, name=name, kind=kind, price=price, extra_id=extra_id
            )
            report.count("extras")


def _seed_day(
    box_office: BoxOffice,
    actor: Actor,
    report: DemoReport,
    auditorium_id: str,
    show_format: str,
    card: str,
    day: dt.date,
) -> None:
    """Back-to-back shows from late morning, skipped if the day already has some."""
    if box_office.schedule.showtimes(
        actor, auditorium_id=auditorium_id, on=day, include_cancelled=True
    ):
        return
    # Each hall starts the rotation at a different movie, and it shifts by day.
    index = AUDITORIUMS.index(next(a for a in AUDITORIUMS if a[0] == auditorium_id))
    rotation = index * 2 + day.toordinal()
    lengths: dict[str, dt.timedelta] = {}
    starts = []
    start = dt.datetime.combine(day, FIRST_SHOW)
    while start.time() <= LAST_START and start.date() == day:
        movie_id = _slug(MOVIES[rotation % len(MOVIES)][0])
        if movie_id not in lengths:  # the movie as stored: it may have been edited
            lengths[movie_id] = box_office.schedule.length(actor, movie_id)
        starts.append((movie_id, start))
        rotation += 1
        start = _round_up(start + lengths[movie_id], minutes=15)
    added = box_office.schedule.add_showtimes(
        actor,
        auditorium_id=auditorium_id,
        price_card_id=card,
        starts=starts,
        format=show_format,
    )
    report.count("showtimes", len(added))


def _round_up(when: dt.datetime, minutes: int) -> dt.datetime:
    extra = (-when.minute) % minutes
    return (when + dt.timedelta(minutes=extra)).replace(second=0, microsecond=0)


def _slug(title: str) -> str:
    return slugify(title)


def _exists(getter, actor: Actor, record_id: str) -> bool:
    try:
        getter(actor, record_id)
    except NotFound:
        return False
    return True
