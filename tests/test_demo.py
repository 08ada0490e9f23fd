"""The demo dataset: big enough to be realistic, consistent, and safe to seed again."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from core.demo import seed_demo
from core.errors import NotTheDemo
from core.layout import SeatCategory


def test_demo_is_realistic_and_idempotent(box_office, admin):
    today = dt.date(2026, 11, 25)
    report = seed_demo(box_office, admin, today=today)
    assert report.added["theaters"] >= 2 and report.added["auditoriums"] >= 5
    assert report.added["movies"] >= 8 and report.added["price cards"] >= 1
    assert report.added["extras"] >= 4 and report.added["showtimes"] >= 7 * 5

    again = seed_demo(box_office, admin, today=today)
    assert again.added == {}
    assert (
        len(box_office.schedule.showtimes(admin, include_cancelled=True))
        == report.added["showtimes"]
    )

    halls = box_office.venues.auditoriums(admin)
    layouts = {hall.id: box_office.venues.layout(admin, hall.id) for hall in halls}
    assert max(layout.capacity for layout in layouts.values()) >= 1000
    assert len({hall.layout for hall in halls}) == len(halls)
    counts = [layout.category_counts() for layout in layouts.values()]
    for category in SeatCategory:
        assert any(count[category] for count in counts), category
    assert len({genre for m in box_office.catalog.movies(admin) for genre in m.genres}) >= 6

    for hall in halls:
        shows = box_office.schedule.showtimes(admin, auditorium_id=hall.id)
        days = {info.local_start.date() for info in shows}
        assert days == {today + dt.timedelta(days=n) for n in range(7)}
        for earlier, later in pairwise(info.showtime for info in shows):
            assert earlier.ends_at <= later.starts_at


def test_a_later_day_adds_only_the_new_day(box_office, admin):
    first = seed_demo(box_office, admin, today=dt.date(2026, 11, 25))
    later = seed_demo(box_office, admin, today=dt.date(2026, 11, 26))
    assert set(later.added) == {"showtimes"}
    assert 0 < later.added["showtimes"] < first.added["showtimes"]


PASSWORD = "correct horse"
DEMO_LOGINS = {"admin", "maria", "sam"}


def own_admin(box_office, admin):
    box_office.auth.add_user(admin, "ada", "Ada", "admin", PASSWORD)


def own_theater(box_office, admin):
    box_office.venues.add_theater(admin, name="Roxy", theater_id="roxy")


def own_movie(box_office, admin):
    box_office.catalog.add_movie(admin, title="Heat", runtime_min=170)


def own_customer(box_office, admin):
    box_office.customers.register("ann@example.org", PASSWORD, "Ann")


def everything_stored(box_office) -> dict:
    database = box_office.store.database
    return {
        name: sorted(str(document["_id"]) for document in database[name].find({}))
        for name in database.list_collection_names()
        if name != "audit"
    }


@pytest.mark.parametrize("own", [own_admin, own_theater, own_movie, own_customer])
def test_the_demo_is_refused_on_a_box_office_with_data_of_its_own(box_office, admin, cli, own):
    """The reported back door: `--demo` added admin / marquee-admin to a real box office."""
    own(box_office, admin)
    before = everything_stored(box_office)
    with pytest.raises(NotTheDemo):
        seed_demo(box_office)
    for command in (["demo"], ["kiosk", "--demo"], ["console", "--demo"]):
        line = cli(*command).error_line()
        assert "already has accounts or data of its own" in line, command
    assert everything_stored(box_office) == before
    assert all(box_office.store.users.by_login(login) is None for login in DEMO_LOGINS)


def test_the_demo_runs_again_on_the_demo_and_adds_no_accounts(box_office, admin):
    first = seed_demo(box_office, today=dt.date(2026, 11, 25))
    assert first.added["accounts"] == 3
    demo_admin = box_office.auth.actor_for(box_office.auth.sign_in("admin", "marquee-admin").token)
    box_office.auth.add_user(demo_admin, "ada", "Ada", "admin", PASSWORD)
    box_office.store.users.delete(box_office.store.users.by_login("sam").id)
    box_office.auth.disable(demo_admin, "maria")

    again = seed_demo(box_office, today=dt.date(2026, 11, 26))
    assert set(again.added) == {"showtimes"}
    assert box_office.store.users.by_login("sam") is None
    assert [login for login, _role, _password in again.accounts] == ["admin"]
    accounts = {user.login: user.demo for user in box_office.store.users.find({})}
    assert accounts == {"admin": True, "maria": True, "ada": False}


def test_a_demo_cut_short_is_completed(box_office, admin):
    """The mark goes first: a seed that stopped half-way is finished by the next one."""
    box_office.store.marks.put("demo", dt.datetime.now(dt.UTC))
    own_theater(box_office, admin)
    report = seed_demo(box_office, today=dt.date(2026, 11, 25))
    assert report.added["accounts"] == 3 and report.added["theaters"] == 2
    assert {login for login, _role, _password in report.accounts} == DEMO_LOGINS


def test_demo_accounts_say_so_in_the_list_of_accounts(box_office, cli, monkeypatch):
    assert cli("demo").exit_code == 0
    auth = box_office.auth
    demo_admin = auth.actor_for(auth.sign_in("admin", "marquee-admin").token)
    auth.add_user(demo_admin, "ada", "Ada", "admin", PASSWORD)
    monkeypatch.setenv("MARQUEE_TOKEN", auth.sign_in("ada", PASSWORD).token)
    listed = {row["login"]: row["demo"] for row in cli("users", "list", "--json").json()}
    assert listed == {"ada": False, "admin": True, "maria": True, "sam": True}
    table = cli("users", "list").stdout.splitlines()
    assert "demo" in table[2]  # the header
    rows = {line.split("│")[1].strip(): line.split("│")[-2].strip() for line in table[4:-1]}
    assert rows == {"ada": "", "admin": "demo", "maria": "demo", "sam": "demo"}
    assert "nothing to add" in cli("demo").stdout  # the demo's own database: runs again
