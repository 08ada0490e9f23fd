"""``marquee db backup`` copies the embedded database while the box office sells;
``marquee db restore`` puts it back, refusing damaged files and a database in use."""

from __future__ import annotations

import stat
import tarfile
import threading

import pytest
from booking_support import consistency_problems, make_hall, tomorrow

from console import context
from console.cli import main as cli_main
from core.bootstrap import open_box_office
from core.repo import backup as backups
from core.services.access import Actor

ROWS = "ABCDEFGHIJ"
LAYOUT = "==== SCREEN ====\n" + "".join(f"{row}  {'S' * 12}\n" for row in ROWS)
SEATS = [f"{row}{n}" for row in ROWS for n in range(1, 13)]


@pytest.fixture
def embedded_cli(own_embedded, monkeypatch, capsys):
    """``marquee ARGS`` on the test's own embedded data dir: (exit code, stdout, stderr)."""
    config, _server = own_embedded
    monkeypatch.setenv("MARQUEE_MONGO_URI", "")
    monkeypatch.setenv("MARQUEE_DATA_DIR", str(config.data_dir))

    def run(*args: str) -> tuple[int, str, str]:
        context.reset()
        capsys.readouterr()
        code = cli_main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    context.reset()


class Seller(threading.Thread):
    """Sells the seats one booking at a time on its own box office until told to stop;
    ``confirmed`` lists (booking reference, seat) in the order the sales completed."""

    def __init__(self, config, showtime_id: str) -> None:
        super().__init__(daemon=True)
        self.config, self.showtime_id = config, showtime_id
        self.confirmed: list[tuple[str, str]] = []
        self.sold = {n: threading.Event() for n in (5, 15, len(SEATS))}
        self.stop = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        actor = Actor.local_admin()
        try:
            with open_box_office(self.config) as box_office:
                for seat in SEATS:
                    if self.stop.is_set():
                        break
                    basket = box_office.booking.new_basket(actor, self.showtime_id)
                    box_office.booking.hold(actor, basket.id, [seat])
                    booking = box_office.checkout.checkout(actor, basket.id, "simulated")
                    self.confirmed.append((booking.reference, seat))
                    if len(self.confirmed) in self.sold:
                        self.sold[len(self.confirmed)].set()
        except BaseException as error:  # shown by the test
            self.failure = error
        finally:
            for event in self.sold.values():
                event.set()


def test_a_backup_taken_mid_sale_restores_every_booking_confirmed_before_it(
    own_embedded, embedded_cli, tmp_path, admin
):
    config, server = own_embedded
    with open_box_office(config) as box_office:
        hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(_Now()))
    seller = Seller(config, hall.showtime_id)
    seller.start()
    seller.sold[5].wait(timeout=120)
    before = list(seller.confirmed)  # confirmed before the backup starts
    code, out, err = embedded_cli("db", "backup", str(tmp_path / "mid-sale.backup"))
    assert code == 0, err
    seller.sold[15].wait(timeout=120)  # sales went on during and after the copy
    seller.stop.set()
    seller.join(timeout=120)
    assert seller.failure is None, seller.failure
    after = list(seller.confirmed)
    assert len(after) >= 15 and len(before) >= 5
    assert stat.S_IMODE((tmp_path / "mid-sale.backup").stat().st_mode) == 0o600

    server.stop()
    code, out, err = embedded_cli("db", "restore", str(tmp_path / "mid-sale.backup"))
    assert code == 0, err
    assert "restored" in out

    # A checkout caught half-way by the copy is a payment left open, as after a crash:
    # the box office settles it as it starts (reconcile, once its grace has passed).
    later = _Now()
    later.now += 3600
    with open_box_office(config, clock=lambda: later.now) as restored:
        restored.reconcile.run(Actor(subject="reconcile:test", role="admin"))
        assert restored.aftersales.open_payments(admin) == 0
        for reference, seat in before:
            booking = restored.store.bookings.by_reference(reference)
            assert booking.state == "confirmed"
            assert [s for s, _token in restored.tickets.tickets(admin, reference)] == [seat]
        assert consistency_problems(restored, hall.showtime_id) == []
        references = {b.reference for b in restored.store.bookings.find({})}
        assert after[-1][0] not in references  # sold after the backup: not in it


class _Now:
    def __init__(self) -> None:
        import time

        self.now = float(int(time.time()))


@pytest.fixture
def backed_up(own_embedded, embedded_cli, tmp_path, admin):
    """A data dir with a theater, its backup, and the restore's precondition (stopped)."""
    config, server = own_embedded
    with open_box_office(config) as box_office:
        box_office.venues.add_theater(admin, name="Rialto")
    code, _out, err = embedded_cli("db", "backup", str(tmp_path / "good.backup"))
    assert code == 0, err
    with open_box_office(config) as box_office:
        box_office.venues.add_theater(admin, name="Odeon")
    server.stop()
    return config, tmp_path / "good.backup"


def theaters(config) -> list[str]:
    with open_box_office(config) as box_office:
        return sorted(t.name for t in box_office.store.theaters.find({}))


def damaged_copies(good, tmp_path):
    data = good.read_bytes()
    yield "truncated", data[: len(data) // 2]
    yield "not an archive", b"hello, this is not a backup\n"
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as archive:
        archive.add(good, arcname="something-else")
    yield "foreign archive", foreign.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0xFF
    yield "flipped byte", bytes(flipped)


def test_a_damaged_or_foreign_file_is_refused_in_one_line_and_nothing_changes(
    backed_up, embedded_cli, tmp_path
):
    config, good = backed_up
    for what, content in damaged_copies(good, tmp_path):
        bad = tmp_path / "bad.backup"
        bad.write_bytes(content)
        code, out, err = embedded_cli("db", "restore", str(bad))
        assert code != 0, what
        assert out == "" and len(err.strip().splitlines()) == 1, (what, err)
        assert theaters(config) == ["Odeon", "Rialto"], what
    code, out, err = embedded_cli("db", "restore", str(tmp_path / "missing.backup"))
    assert code != 0 and len(err.strip().splitlines()) == 1


def test_a_restore_is_refused_while_the_database_is_in_use(backed_up, embedded_cli, tmp_path):
    config, good = backed_up
    with open_box_office(config):
        code, out, err = embedded_cli("db", "restore", str(good))
        assert code != 0 and out == ""
        assert len(err.strip().splitlines()) == 1 and "in use" in err
    assert theaters(config) == ["Odeon", "Rialto"]
    code, _out, err = embedded_cli("db", "restore", str(good))
    assert code == 0, err
    assert theaters(config) == ["Rialto"]


def test_an_external_mongodb_is_backed_up_with_mongodump(cli, tmp_path):
    for args, tool in ((("backup",), "mongodump"), (("restore",), "mongorestore")):
        line = cli("db", *args, str(tmp_path / "x.backup")).error_line()
        assert tool in line
    assert not (tmp_path / "x.backup").exists()


def test_the_backup_module_keeps_its_archive_private(own_embedded, tmp_path, admin):
    config, server = own_embedded
    with open_box_office(config) as box_office:
        box_office.venues.add_theater(admin, name="Rialto")
    summary = backups.back_up(config.data_dir, tmp_path / "b.backup")
    assert "marquee.db" in summary.databases or summary.databases
    assert stat.S_IMODE(summary.path.stat().st_mode) == 0o600
