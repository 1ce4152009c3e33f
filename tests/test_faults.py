"""Faults that are not damage: a full disk, a read-only folder, an output path that is not a
plain file; and real damage: a corrupted page, which no command writes into or copies.

Real files throughout: a small tmpfs for the full disk (mounted as root; skipped where the
sandbox forbids it), FIFOs, device nodes and symlinks made here, a page overwritten with plain
file I/O.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import sqlite3
import stat
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest

Run = Callable[..., Result]


def one_line(result: Result) -> str:
    """The single stderr line of a refused command (exit 2), with no traceback anywhere."""
    assert result.exit_code == 2, (result.exit_code, result.output[-600:])
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("caughtup: "), result.stderr[-600:]
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def populate(run: Run, n: int = 30) -> None:
    for i in range(n):
        assert run("add", "--date", "2026-11-20", "--client", f"C{i}").exit_code == 0
    assert run("log", "--date", "2026-11-01", "--sessions", "6", "--written", "4").exit_code == 0


# -- a small file system of our own -------------------------------------------------------------


def _mount(target: Path, *options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(target)],
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (root only; the test is skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        _mount(mount, "size=2m", "mode=0700")
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); the full-disk tests need one")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` until `leave` bytes are free; returns the filler file."""
    filler = disk / f"filler-{uuid.uuid4().hex}"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"\0" * max(0, free - leave))
    except OSError:
        pass  # full before the count: what we want
    finally:
        os.close(fd)
    return filler


def read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True)


@pytest.fixture
def disk_home(small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = small_disk / "home"
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    return home


@pytest.mark.parametrize("free_kib", [400, 200, 120, 60, 30, 10, 0])
def test_restore_on_a_full_disk_keeps_the_database_and_says_how_much_is_needed(
    run: Run, run_json: Callable[..., Any], disk_home: Path, small_disk: Path, free_kib: int
) -> None:
    populate(run)
    saved = Path(run_json("backup")["path"])
    run("add", "--date", "2026-11-21")
    db = disk_home / "caughtup.db"
    before, backups_before = sha(db), sorted((disk_home / "backups").iterdir())
    filler = fill(small_disk, free_kib * 1024)
    result = run("restore", str(saved))
    if free_kib >= 400:  # room enough (the database is about 80 KiB): it simply works
        assert result.exit_code == 0, result.output
        assert run_json("status")["outstanding"] == 32
        return
    line = one_line(result)
    assert "the disk is full" in line and "needs about" in line and "KiB" in line, line
    assert "damaged" not in line and "cannot be read" not in line
    assert sha(db) == before
    assert sorted((disk_home / "backups").iterdir()) == backups_before  # no copy left behind
    filler.unlink()
    assert run_json("status")["outstanding"] == 33  # every note still there
    assert run("restore", str(saved)).exit_code == 0  # with room, the restore goes through
    assert run_json("status")["outstanding"] == 32


def test_a_full_disk_is_said_as_such_by_every_writer(
    run: Run, run_json: Callable[..., Any], disk_home: Path, small_disk: Path, tmp_path: Path
) -> None:
    populate(run, 5)
    saved = Path(run_json("backup", "--out", str(small_disk / "saved.db"))["path"])
    db = disk_home / "caughtup.db"
    before = sha(db)
    filler = fill(small_disk, 0)
    for args in (
        ["config", "rules.threshold", "4"],
        ["export", "--out", str(small_disk / "out.json")],
        ["export", "--format", "csv", "--out", str(small_disk / "csv")],
        ["backup"],
        ["restore", str(saved)],
        ["add", "--date", "2026-11-21"],
        ["log", "--sessions", "3", "--written", "3"],
    ):
        line = one_line(run(*args))
        assert "the disk is full" in line, (args, line)
        assert "damaged" not in line and "cannot be read" not in line, (args, line)
    assert sha(db) == before
    assert not (small_disk / "out.json").exists() and not (small_disk / "csv").exists()
    # Even reading needs room for SQLite's shared-memory file: said as such, too.
    assert "the disk is full" in one_line(run("status"))
    filler.unlink()
    assert run_json("status")["outstanding"] == 7


def test_a_read_only_folder_is_said_as_such(
    run: Run, run_json: Callable[..., Any], disk_home: Path, small_disk: Path
) -> None:
    populate(run, 5)
    saved = Path(run_json("backup")["path"])
    run("remind")  # makes its lock file
    read_only(small_disk)
    for args in (
        ["config", "rules.threshold", "4"],
        ["export", "--out", str(small_disk / "out.json")],
        ["remind"],
        ["restore", str(saved)],
        ["add", "--date", "2026-11-21"],
    ):
        line = one_line(run(*args))
        assert "the folder is read-only" in line, (args, line)
        assert "damaged" not in line and "cannot be read" not in line, (args, line)


@pytest.mark.parametrize("page_size", [512, 8192, 65536])
def test_restore_of_a_backup_with_another_page_size(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path, page_size: int
) -> None:
    populate(run, 12)
    source = tmp_path / f"p{page_size}.db"
    conn = sqlite3.connect(home / "caughtup.db")
    conn.execute(f"VACUUM INTO '{source}'")
    conn.close()
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == page_size
    conn.close()
    run("add", "--date", "2026-11-21")
    result = run("restore", str(source))
    assert result.exit_code == 0, result.output
    assert run_json("status")["outstanding"] == 14
    assert len(list((home / "backups").iterdir())) == 1  # one before-restore copy, no more
    conn = sqlite3.connect(home / "caughtup.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]


# -- output paths ----------------------------------------------------------------------------------


def outputs(run: Run, tmp_path: Path) -> dict[str, Callable[[Path], list[str]]]:
    """Every command that writes a file the user names, as args for a target path."""
    items = json.loads(run("selfcheck", "--items", "--json").stdout)["items"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({i["id"]: i["min"] for i in items}))
    return {
        "export": lambda p: ["export", "--out", str(p)],
        "export csv table": lambda p: ["export", "--format", "csv", "--table", "days", "--out",
                                       str(p)],
        "plan --ics": lambda p: ["plan", "--ics", str(p)],
        "selfcheck --pdf": lambda p: ["selfcheck", "--answers", str(answers), "--no-save",
                                      "--pdf", str(p)],
        "selfcheck --md": lambda p: ["selfcheck", "--answers", str(answers), "--no-save",
                                     "--md", str(p)],
    }  # fmt: skip


@pytest.fixture
def outs(run: Run, tmp_path: Path) -> dict[str, Callable[[Path], list[str]]]:
    populate(run, 6)
    return outputs(run, tmp_path)


@pytest.mark.parametrize(
    "command", ["export", "export csv table", "plan --ics", "selfcheck --pdf", "selfcheck --md"]
)
def test_an_output_through_a_symlink_replaces_its_target_and_keeps_the_link(
    run: Run, outs: dict[str, Callable[[Path], list[str]]], tmp_path: Path, command: str
) -> None:
    synced = tmp_path / "cloud"
    synced.mkdir()
    target = synced / "file"
    target.write_bytes(b"old content")
    link = tmp_path / "link"
    link.symlink_to(target)
    chain = tmp_path / "chain"
    chain.symlink_to(link)
    result = run(*outs[command](chain))
    assert result.exit_code == 0, result.output
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old content" and len(target.read_bytes()) > 20
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in synced.iterdir()) == ["file"]  # no temp file left beside it
    dangling = tmp_path / "dangling"
    dangling.symlink_to(synced / "new")
    assert run(*outs[command](dangling)).exit_code == 0
    assert (synced / "new").is_file() and dangling.is_symlink()


def _refusals(home: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Output paths that must be refused, with a word the refusal carries."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "to-settings").symlink_to(home / "settings.toml")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    found = {
        "fifo": (fifo, "FIFO"),
        "folder": (folder, "folder"),
        "settings": (home / "settings.toml", "caughtup's own data folder"),
        "database": (home / "caughtup.db", "caughtup's own data folder"),
        "wal": (home / "caughtup.db-wal", "caughtup's own data folder"),
        "backup": (next((home / "backups").iterdir()), "caughtup's own data folder"),
        "new in backups": (home / "backups" / "mine.json", "caughtup's own data folder"),
        "new in the data folder": (home / "export.json", "caughtup's own data folder"),
        "link to settings": (tmp_path / "to-settings", "caughtup's own data folder"),
        "symlink loop": (tmp_path / "loop", "loop"),
        "missing folder": (tmp_path / "nowhere" / "x.out", "does not exist"),
    }
    try:  # a device node of our own: were it replaced, only this test's copy would be
        os.mknod(tmp_path / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        found["device"] = (tmp_path / "null", "device")
    except OSError:
        pass
    return found


@pytest.mark.parametrize(
    "command", ["export", "export csv table", "plan --ics", "selfcheck --pdf", "selfcheck --md"]
)
def test_outputs_refuse_devices_fifos_folders_and_caughtups_own_files(
    run: Run, outs: dict[str, Callable[[Path], list[str]]], home: Path, tmp_path: Path, command: str
) -> None:
    run("config", "notify.urls", "json://127.0.0.1:9/secret")
    run("backup")
    refusals = _refusals(home, tmp_path)
    settings_text = (home / "settings.toml").read_bytes()
    for name, (path, word) in refusals.items():
        before = digest(home)
        flag = next(a for a in outs[command](path) if a.startswith("--") and a in (
            "--out", "--ics", "--pdf", "--md"))  # fmt: skip
        line = one_line(run(*outs[command](path)))
        assert word in line and line.startswith(f"caughtup: {flag} "), (name, line)
        assert digest(home) == before, name
    assert (home / "settings.toml").read_bytes() == settings_text
    assert stat.S_ISFIFO((tmp_path / "fifo").stat().st_mode)
    if "device" in refusals:
        assert stat.S_ISCHR((tmp_path / "null").stat().st_mode)
    assert run("status").exit_code == 0


def test_a_csv_export_and_a_backup_refuse_the_same_paths(
    run: Run, home: Path, tmp_path: Path
) -> None:
    populate(run, 3)
    run("backup")
    for name, (path, word) in _refusals(home, tmp_path).items():
        for args in (["export", "--format", "csv", "--out", str(path)],
                     ["backup", "--out", str(path)]):  # fmt: skip
            if name == "folder" and args[0] == "export":
                continue  # an empty folder is where a CSV export goes
            line = one_line(run(*args))
            assert word in line or "already exists" in line, (name, args, line)


def test_export_to_a_missing_folder_is_one_line(run: Run, tmp_path: Path) -> None:
    line = one_line(run("export", "--out", "/nonexistent/dir/x.json"))
    assert "/nonexistent/dir" in line and "does not exist" in line


# -- a corrupted page -------------------------------------------------------------------------------


def corrupt_page(db: Path, table: str) -> None:
    """Overwrite 3,000 bytes of `table`'s root page with random bytes (plain file I/O; no
    connection is open in this process while it runs)."""
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size + (100 if root == 1 else 0))  # page 1 holds the header
        fh.write(random.Random(7).randbytes(3000))


@pytest.fixture
def corrupt(run: Run, run_json: Callable[..., Any], home: Path) -> dict[str, Path]:
    """A database with data, a good backup, a later corrupted copy, then a corrupted page in a
    table that the writes below never touch."""
    populate(run)
    good = Path(run_json("backup")["path"])
    bad = good.with_name(good.name.replace(".db", "-2.db"))
    bad.write_bytes(good.read_bytes())
    corrupt_page(bad, "items")
    os.utime(bad, (good.stat().st_mtime + 60,) * 2)
    db = home / "caughtup.db"
    corrupt_page(db, "deliveries")
    return {"db": db, "good": good, "bad": bad}


def test_a_corrupt_database_is_never_written_nor_backed_up(
    run: Run, home: Path, corrupt: dict[str, Path]
) -> None:
    db, before = corrupt["db"], sha(corrupt["db"])
    copies = sorted((home / "backups").iterdir())
    for args in (
        ["add", "--date", "2026-11-21"],
        ["done", "1"],
        ["edit", "2", "--type", "intake"],
        ["log", "--sessions", "3", "--written", "1"],
        ["config", "rules.threshold", "4"],  # settings are no database write: this one works
        ["backup"],
        ["backup", "--out", str(home.parent / "copy.db")],
        ["plan"],
    ):
        result = run(*args)
        if args[0] == "config":
            assert result.exit_code == 0
            continue
        line = one_line(result)
        assert "fails SQLite's integrity check" in line or "damaged" in line, (args, line)
        assert f"newest backup: {corrupt['good']}" in line, line  # not the newer, corrupt copy
        assert sha(db) == before, args
    assert sorted((home / "backups").iterdir()) == copies
    assert not (home.parent / "copy.db").exists()


def test_the_hint_says_so_when_no_backup_passes(run: Run, home: Path, tmp_path: Path) -> None:
    populate(run, 3)
    corrupt_page(home / "caughtup.db", "deliveries")
    line = one_line(run("add", "--date", "2026-11-21"))
    assert "no backup that passes SQLite's integrity check" in line


async def test_the_app_shows_damage_in_one_line(
    run: Run, home: Path, corrupt: dict[str, Path]
) -> None:
    from screens.app import make_app

    corrupt_page(corrupt["db"], "items")
    app = make_app(home)
    # Run as `caughtup` runs it (headless here): the app closes itself, with the fault kept for
    # run_app to print as one line.
    await asyncio.wait_for(app.run_async(headless=True, size=(80, 24)), timeout=30)
    assert app.return_code == 2
    assert app.fault is not None and "\n" not in app.fault
    assert str(corrupt["db"]) in app.fault and f"newest backup: {corrupt['good']}" in app.fault


def test_the_command_prints_the_apps_fault_as_one_line(
    run: Run, home: Path, corrupt: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.app import CaughtupApp

    def headless(app: CaughtupApp, **_: Any) -> Any:
        return asyncio.run(app.run_async(headless=True, size=(80, 24)))

    monkeypatch.setattr(CaughtupApp, "run", headless)
    corrupt_page(corrupt["db"], "items")
    line = one_line(run())
    assert str(corrupt["db"]) in line and f"newest backup: {corrupt['good']}" in line
