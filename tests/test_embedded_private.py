"""The embedded database answers only the box office's own OS user: it listens on a Unix
socket in the data dir and on no TCP port, the data dir is 0700 and every file in it
0600, and another local user can neither connect nor read the files."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import pwd
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import pytest
from booking_support import LAYOUT, Clock, buy, make_hall, tomorrow
from pymongo import MongoClient
from pymongo.uri_parser import parse_uri

from core import unix_socket
from core.bootstrap import open_box_office
from core.errors import StorageError
from core.repo.embedded import EmbeddedServer
from core.repo.embedded_files import ServerState
from core.startup import log_to_file
from core.unix_socket import MAX_SOCKET_PATH
from server.app import create_app

pytestmark = pytest.mark.embedded_only  # about the embedded server itself

LISTEN = "0A"  # the state column of /proc/net/tcp for a listening socket


@pytest.fixture
def shared_parent():
    """A directory every user may enter, as a home or /srv is: only the data dir's own
    modes keep others out of what is inside it."""
    parent = Path(tempfile.mkdtemp(prefix="marquee-test-"))
    parent.chmod(0o755)
    yield parent
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def embedded_config(config, shared_parent):
    """Embedded mode on a data dir of the test's own, in ``shared_parent``; its server is
    stopped at the end."""
    data_dir = shared_parent / "data"
    yield config.with_overrides(
        mongo={"uri": "", "connect_timeout_s": 2.0},
        data={"dir": str(data_dir)},
        embedded={"linger_s": 0.2},
    )
    EmbeddedServer(data_dir).stop(force=True)


def long_data_dir(parent: Path) -> Path:
    """A data dir whose socket would not fit in a socket's path."""
    data_dir = parent / ("d" * 60) / ("e" * 60) / "data"
    assert len(os.fsencode(data_dir / "embedded" / "mongod.sock")) > 107
    return data_dir


def modes_under(root: Path) -> dict[str, str]:
    """The permission bits of ``root`` and everything under it, by relative path."""
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def sell_a_seat(box_office, admin) -> None:
    """A paid sale, its tickets and a sign-in: every file a sale makes is written."""
    hall = make_hall(box_office, admin, LAYOUT, starts_at=tomorrow(Clock()))
    booking = buy(box_office, admin, hall, ["A4"])
    assert box_office.tickets.tickets(admin, booking.reference)
    box_office.auth.add_user(admin, "ada", "Ada", "admin", "a-long-password")
    box_office.auth.sign_in("ada", "a-long-password")


def test_the_data_dir_is_0700_and_every_file_in_it_0600_after_a_sale(embedded_config, admin):
    data_dir = embedded_config.data_dir
    with open_box_office(embedded_config) as box_office:
        log_to_file(box_office, "kiosk.log")
        try:
            sell_a_seat(box_office, admin)
            create_app(box_office)  # the box-office server writes its local token
            logging.getLogger("marquee").warning("a line in the kiosk's log")
            modes = modes_under(data_dir)
        finally:
            for handler in logging.getLogger("marquee").handlers[:]:
                if getattr(handler, "baseFilename", "").startswith(str(data_dir)):
                    logging.getLogger("marquee").removeHandler(handler)
                    handler.close()
    for name in ("simulated-acquirer.sqlite", "server/local.token", "kiosk.log"):
        assert name in modes
    assert "embedded/mongod.sock" in modes and any(name.startswith("db/") for name in modes)
    directories = {name for name in modes if (data_dir / name).is_dir()}
    assert {name: modes[name] for name in directories} == dict.fromkeys(directories, "0o700")
    files = set(modes) - directories
    assert {name: modes[name] for name in files} == dict.fromkeys(files, "0o600")


def test_an_older_data_dir_open_to_everyone_is_made_private_and_nothing_outside(
    embedded_config, shared_parent
):
    data_dir = embedded_config.data_dir
    (data_dir / "db").mkdir(parents=True, mode=0o755)
    (data_dir / "embedded").mkdir(mode=0o755)
    outside = shared_parent / "notes.txt"  # not the box office's: left as it is
    old_files = ["db/old.db", "embedded/server.log", "simulated-acquirer.sqlite", outside]
    for name in old_files:
        (data_dir / name).write_text("")
        (data_dir / name).chmod(0o644)
    (data_dir / "db" / "link").symlink_to(outside)  # never followed out of the data dir
    data_dir.chmod(0o755)
    with open_box_office(embedded_config):
        modes = modes_under(data_dir)
    assert modes["."] == modes["db"] == modes["embedded"] == "0o700"
    assert modes["db/old.db"] == modes["embedded/server.log"] == "0o600"
    assert modes["simulated-acquirer.sqlite"] == "0o600"
    assert oct(stat.S_IMODE(outside.stat().st_mode)) == "0o644"


def test_a_data_dir_that_is_a_symlink_makes_its_target_private(embedded_config, shared_parent):
    target = shared_parent / "on-another-disk"
    target.mkdir(mode=0o755)
    embedded_config.data_dir.symlink_to(target)
    with open_box_office(embedded_config):
        assert stat.S_IMODE(target.stat().st_mode) == 0o700
        assert (target / "embedded" / "mongod.sock").is_socket()


def listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == LISTEN:
                    inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def listening_unix_paths(inodes: set[str]) -> set[str]:
    """The paths of the listening Unix sockets among ``inodes`` (/proc/net/unix)."""
    paths = set()
    with open("/proc/net/unix") as lines:
        next(lines)
        for line in lines:
            fields = line.split()
            if len(fields) == 8 and fields[6] in inodes and fields[5] == "01":
                paths.add(fields[7])
    return paths


def test_the_embedded_server_listens_on_its_socket_and_on_no_tcp_port(embedded_config):
    status = EmbeddedServer(embedded_config.data_dir).start_pinned()
    inodes = socket_inodes(status.pid)
    assert inodes & listening_tcp_inodes() == set()
    assert listening_unix_paths(inodes) == {str(embedded_config.data_dir / "embedded/mongod.sock")}


def attempt_as_nobody(address: tuple[str, int | None], data_dir: str, results) -> None:
    """(In a child process.) Become user nobody; try to connect to the server and to look
    into the data dir, and send what happened."""
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
    results.send(
        {
            "connect": outcome(lambda: connect_to(address)),
            "list": outcome(lambda: os.listdir(data_dir)),
        }
    )


def connect_to(address: tuple[str, int | None]) -> None:
    host, port = address
    if port is not None:
        socket.create_connection((host, port), timeout=5).close()
        return
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(host)


def outcome(attempt) -> str:
    try:
        attempt()
    except OSError as error:
        return type(error).__name__
    return "allowed"


def as_nobody(address: tuple[str, int | None], data_dir: Path) -> dict[str, str]:
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=attempt_as_nobody, args=(address, str(data_dir), sending))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    return receiving.recv()


@pytest.mark.parametrize("where", ["in the data dir", "in the short private dir"])
def test_another_os_user_cannot_connect_nor_look_in(embedded_config, shared_parent, where):
    data_dir = embedded_config.data_dir
    if where == "in the short private dir":
        data_dir = long_data_dir(shared_parent)
    server = EmbeddedServer(data_dir)
    try:
        status = server.start_pinned()
        address = parse_uri(status.uri)["nodelist"][0]
        if os.geteuid() == 0:
            assert as_nobody(address, data_dir) == {
                "connect": "PermissionError",
                "list": "PermissionError",
            }
        else:  # nobody else can be become: the modes that keep them out, and we get in
            home = Path(address[0]).parent
            assert home.lstat().st_uid == os.geteuid() and not home.is_symlink()
            assert stat.S_IMODE(home.lstat().st_mode) == 0o700
            assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        client = MongoClient(status.uri, serverSelectionTimeoutMS=5000)
        assert client.admin.command("ping")["ok"] == 1
        client.close()
    finally:
        server.stop(force=True)
        shutil.rmtree(short_dir_of(data_dir), ignore_errors=True)


def short_dir_of(data_dir: Path) -> Path:
    digest = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16]
    return unix_socket.SHORT_BASE / f"marquee-{os.geteuid()}" / digest


def test_a_data_dir_too_long_for_a_socket_serves_from_a_short_private_dir(
    embedded_config, shared_parent
):
    data_dir = long_data_dir(shared_parent)
    config = embedded_config.with_overrides(data={"dir": str(data_dir)})
    try:
        with open_box_office(config) as box_office:
            box_office.connection.database["things"].insert_one({"_id": "kept"})
            status = EmbeddedServer(data_dir).status()
            assert Path(status.socket) == short_dir_of(data_dir) / "mongod.sock"
            assert len(os.fsencode(status.socket)) <= MAX_SOCKET_PATH
            for directory in (short_dir_of(data_dir), short_dir_of(data_dir).parent):
                info = directory.lstat()
                assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
                assert stat.S_IMODE(info.st_mode) == 0o700
            # The state file says where: another process (another path to the same data
            # dir, here through a symlink) finds that server.
            alias = shared_parent / "alias"
            alias.symlink_to(data_dir)
            assert EmbeddedServer(alias).status().pid == status.pid
        EmbeddedServer(data_dir).stop(force=True)
        with open_box_office(config) as box_office:  # and it starts there again
            assert box_office.connection.database["things"].find_one() == {"_id": "kept"}
    finally:
        EmbeddedServer(data_dir).stop(force=True)
        shutil.rmtree(short_dir_of(data_dir), ignore_errors=True)


def test_a_short_dir_that_is_a_symlink_is_refused_with_one_line(
    embedded_config, shared_parent, tmp_path, monkeypatch
):
    monkeypatch.setattr(unix_socket, "SHORT_BASE", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / f"marquee-{os.geteuid()}").symlink_to(elsewhere)
    with pytest.raises(StorageError, match="is not a directory of this user") as refused:
        EmbeddedServer(long_data_dir(shared_parent)).start_pinned()
    assert "\n" not in str(refused.value)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "socket_path", ["relative/mongod.sock", "/a\0b", "/" + "s" * MAX_SOCKET_PATH, 9, None]
)
def test_a_state_file_naming_no_possible_socket_is_damaged(socket_path):
    state = {"pid": 4242, "socket": socket_path, "started_at": 0}
    assert ServerState.parse(json.dumps(state)) is None
    assert ServerState.parse(json.dumps(state | {"socket": "/tmp/mongod.sock"})) is not None
