"""Manage mode driven with the keyboard: editing and removing what the catalog holds,
and moving and cancelling showtimes on the day's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from console_support import SIZE, answer, make_counter, open_manage, open_tomorrows_schedule
from kiosk_support import seeded_demo, wait_for_screen, wait_until
from textual.widgets import DataTable, TabbedContent

from console.counter.catalog import CatalogScreen

demo = pytest.fixture(seeded_demo)


async def open_catalog(pilot) -> CatalogScreen:
    await open_manage(pilot)
    await pilot.press("m")
    catalog = await wait_for_screen(pilot, CatalogScreen)
    await wait_until(pilot, lambda: catalog.entries)
    return catalog


async def highlight(pilot, catalog: CatalogScreen, tab: str, record_id: str) -> None:
    catalog.query_one(TabbedContent).active = tab
    await wait_until(pilot, lambda: any(e.id == record_id for e in catalog.entries[tab]))
    row = next(i for i, e in enumerate(catalog.entries[tab]) if e.id == record_id)
    table = catalog.query_one(f"#{tab}-table", DataTable)
    table.focus()
    table.move_cursor(row=row)
    await wait_until(pilot, lambda: catalog.highlighted and catalog.highlighted.id == record_id)


async def refused_removal(pilot, catalog: CatalogScreen, tab: str, record_id: str, why: str):
    """Ask to remove a record the service keeps; wait for its refusal on screen."""
    await highlight(pilot, catalog, tab, record_id)
    await answer(pilot, "r", "yes")
    await wait_until(pilot, lambda: catalog.message == why or catalog.app.errors)


def in_use(demo, field: str) -> tuple[str, int]:
    """A record some showtime refers to by ``field``, and how many showtimes do."""
    used = getattr(demo.store.showtimes.find({})[0], field)
    return used, demo.store.showtimes.count({field: used})


async def saved_edit(
    pilot, catalog: CatalogScreen, tab: str, record_id: str, text: str, saved: str
) -> str:
    """Edit a record to ``text`` and wait for ``saved``; what the form offered."""
    await highlight(pilot, catalog, tab, record_id)
    offered = await answer(pilot, "e", text)
    await wait_until(pilot, lambda: catalog.message == saved or catalog.app.errors)
    return offered


def audited(box_office, action: str, target: str) -> list:
    return box_office.store.audit.find({"action": action, "target": target, "user": "maria"})


async def test_the_catalog_edits_and_removes_a_movie_and_refuses_one_still_scheduled(demo, admin):
    shown, shows = in_use(demo, "movie_id")
    heat = demo.catalog.add_movie(admin, title="Heat", runtime_min=170, genres=["crime"])
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        catalog = await open_catalog(pilot)

        wanted = f"Movie '{shown}' has {shows} showtime(s); remove them first."
        await refused_removal(pilot, catalog, "movies", shown, wanted)

        text = "Heat Extended | 181 | crime, drama | R"
        offered = await saved_edit(pilot, catalog, "movies", heat.id, text, "Saved Heat Extended.")
        assert offered == "Heat | 170 | crime | NR"
        movie = demo.store.movies.get("heat")
        assert (movie.title, movie.runtime_min, movie.genres, movie.rating) == (
            "Heat Extended",
            181,
            ["crime", "drama"],
            "R",
        )
        await wait_until(
            pilot,
            lambda: ("heat", "Heat Extended", "181 min") in [r[:3] for r in catalog.rows["movies"]],
        )

        await highlight(pilot, catalog, "movies", heat.id)
        await answer(pilot, "r", "no")  # anything but yes keeps it
        await pilot.pause(0.3)
        assert demo.store.movies.exists({"_id": "heat"})

        await answer(pilot, "r", "yes")
        await wait_until(pilot, lambda: catalog.message == "Removed movie Heat Extended.")
        await wait_until(pilot, lambda: all(e.id != "heat" for e in catalog.entries["movies"]))
        assert app.errors == []
    assert demo.store.movies.exists({"_id": shown})  # the refused removal left it
    assert demo.store.showtimes.count({"movie_id": shown}) == shows
    assert not demo.store.movies.exists({"_id": "heat"})


async def test_the_catalog_edits_a_price_card_removes_an_unused_one_and_keeps_one_in_use(
    demo, admin
):
    used = "premium"  # downtown's card: maria runs downtown
    shows = demo.store.showtimes.count({"price_card_id": used})
    card = demo.pricing.add_price_card(
        admin,
        name="Late night",
        tickets={"adult": 800},
        surcharges={"vip": 200},
        theater_id="downtown",
    )
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        catalog = await open_catalog(pilot)

        wanted = f"Price card '{used}' is used by {shows} showtime(s)."
        await refused_removal(pilot, catalog, "prices", used, wanted)

        text, saved = "Late show | adult=8.50, child=6 |", "Saved price card Late show."
        offered = await saved_edit(pilot, catalog, "prices", card.id, text, saved)
        assert offered == "Late night | adult=8.00 | vip=2.00"
        edited = demo.store.price_cards.get(card.id)
        assert (edited.name, edited.tickets, edited.surcharges) == (
            "Late show",
            {"adult": 850, "child": 600},
            {},
        )

        await highlight(pilot, catalog, "prices", card.id)
        await answer(pilot, "r", "yes")
        await wait_until(pilot, lambda: catalog.message == "Removed price card Late show.")
        assert app.errors == []
    assert demo.store.price_cards.exists({"_id": used})  # the refused removal left it
    assert not demo.store.price_cards.exists({"_id": card.id})
    assert not audited(demo, "price card removed", used)
    [edit] = audited(demo, "price card edited", card.id)
    assert edit.changes["tickets"] == [{"adult": 800}, {"adult": 850, "child": 600}]
    assert len(audited(demo, "price card removed", card.id)) == 1


async def test_the_catalog_edits_a_promo_code(demo, admin):
    until = dt.datetime(2031, 1, 1, 12, 0, tzinfo=dt.UTC)
    demo.promos.add_promo(
        admin,
        code="SPRING",
        kind="percent",
        value=1250,
        max_uses=5,
        valid_until=until,
        theater_id="downtown",
    )
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        catalog = await open_catalog(pilot)
        await highlight(pilot, catalog, "promos", "spring")
        assert catalog.highlighted.row == ("SPRING", "downtown", "12.5%", "0/5", "active")

        await answer(pilot, "e", "amount lots | | active")  # refused: nothing changes
        await wait_until(pilot, lambda: "not an amount" in catalog.message or app.errors)
        text = "amount 2.50 | | disabled | 2030-05-01 |"
        offered = await saved_edit(
            pilot, catalog, "promos", "spring", text, "Saved promo code SPRING."
        )
        assert offered == f"percent 12.5 | 5 | active |  | {until.astimezone():%Y-%m-%d %H:%M}"
        await wait_until(pilot, lambda: catalog.highlighted.row[2] == "$2.50")
        assert catalog.highlighted.row == ("SPRING", "downtown", "$2.50", "0/∞", "disabled")
        assert app.errors == []
    promo = demo.store.promos.get("spring")
    assert (promo.kind, promo.value, promo.max_uses, promo.active) == ("fixed", 250, None, False)
    # The window now opens on 1 May 2030 (local midnight) and never closes.
    assert promo.valid_from == dt.datetime(2030, 5, 1).astimezone()
    assert promo.valid_until is None
    [edit] = audited(demo, "promo edited", "SPRING")
    assert edit.changes["value"] == [1250, 250]


async def test_a_manager_adds_cards_and_codes_for_their_theater_and_not_for_every_one(demo):
    """Blank in the theater field is the theater the console works at; a card or code
    for every theater is the admins' to add or change."""
    refused = "Not allowed: prices write for every theater (admins only)."
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        catalog = await open_catalog(pilot)
        catalog.query_one(TabbedContent).active = "prices"
        await answer(pilot, "n", "Matinee | adult=8, child=6 | vip=2 |")
        await wait_until(pilot, lambda: catalog.message == "Added price card Matinee.")
        await wait_until(pilot, lambda: any(e.id == "matinee" for e in catalog.entries["prices"]))
        row = next(e.row for e in catalog.entries["prices"] if e.id == "matinee")
        assert row[:3] == ("matinee", "Matinee", "downtown")
        assert next(e.row for e in catalog.entries["prices"] if e.id == "standard")[2] == "all"

        await answer(pilot, "n", "House | adult=1 | | all")
        await wait_until(pilot, lambda: catalog.message == refused or app.errors)
        catalog.message = ""  # so that each refusal below is waited for on its own
        await saved_edit(pilot, catalog, "prices", "standard", "Cheap | adult=0.01 |", refused)

        catalog.query_one(TabbedContent).active = "promos"
        catalog.message = ""
        await answer(pilot, "n", "HALF | percent 50 | | all")
        await wait_until(pilot, lambda: catalog.message == refused or app.errors)
        await answer(pilot, "n", "RIVER | percent 50 | | riverside")
        await wait_until(pilot, lambda: catalog.message == "Added promo code RIVER.")
        assert app.errors == []
    assert demo.store.price_cards.get("matinee").theater_id == "downtown"
    assert demo.store.price_cards.get("standard").tickets["adult"] == 1250
    assert not demo.store.price_cards.exists({"_id": "house"})
    assert not demo.store.promos.exists({"_id": "half"})
    assert demo.store.promos.get("river").theater_id == "riverside"  # maria runs both


async def test_the_days_schedule_moves_and_cancels_a_showtime_and_refuses_a_clash(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        schedule = await open_tomorrows_schedule(pilot)
        busy = schedule.day.shows[0]  # the first show of the first auditorium
        hall, zone = busy.auditorium.id, busy.theater.zone
        await answer(pilot, "a", f"{busy.movie.id} 08:00 {hall}")
        await wait_until(pilot, lambda: schedule.message == "Added." or app.errors)
        await wait_until(pilot, lambda: schedule.picked.local_start.hour == 8)
        added = schedule.picked.showtime
        await pilot.press("down", "up")  # Up/Down go round the day's shows
        assert schedule.picked.showtime.id == added.id

        offered = await answer(pilot, "m", f"{busy.local_start:%H:%M}")  # onto the first show
        assert offered == "08:00"
        await wait_until(pilot, lambda: busy.showtime.id in schedule.message or app.errors)
        assert schedule.message.startswith("Clashes with showtime")
        assert demo.store.showtimes.get(added.id).starts_at == added.starts_at

        await answer(pilot, "m", "07:30")
        await wait_until(pilot, lambda: schedule.message.startswith("Moved") or app.errors)
        moved = demo.store.showtimes.get(added.id)
        assert moved.starts_at.astimezone(zone).strftime("%H:%M") == "07:30"
        assert moved.ends_at - moved.starts_at == added.ends_at - added.starts_at

        await wait_until(pilot, lambda: schedule.picked.showtime.starts_at == moved.starts_at)
        later = schedule.day.day + dt.timedelta(days=1)
        await answer(pilot, "m", f"{later:%Y-%m-%d} 07:30")  # to the next day
        await wait_until(pilot, lambda: schedule.day.day == later or app.errors)  # it follows
        await wait_until(pilot, lambda: schedule.picked.showtime.id == added.id)
        await answer(pilot, "c", "yes")
        await wait_until(pilot, lambda: schedule.message.startswith("Cancelled") or app.errors)
        await wait_until(pilot, lambda: all(s.showtime.id != added.id for s in schedule.day.shows))
        assert app.errors == []
    assert demo.store.showtimes.get(added.id).status == "cancelled"
    assert demo.store.showtimes.get(busy.showtime.id).status == "scheduled"
    for action, times in (("showtime added", 1), ("showtime moved", 2), ("showtime cancelled", 1)):
        assert len(audited(demo, action, added.id)) == times, action
