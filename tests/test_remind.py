"""`caughtup remind` and `notify-test` against a real HTTP endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tests.http_sink import free_port, serve, silent_listener
from tracker import notifier
from tracker.clock import resolve_tz
from tracker.store import Store

MONDAY = "2026-11-23"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    def move(moment: str) -> None:
        monkeypatch.setenv("CAUGHTUP_NOW", moment)

    return move


@pytest.fixture
def remind(run: Callable[..., Result]) -> Callable[[], dict[str, Any]]:
    def go() -> dict[str, Any]:
        result = run("remind", "--json")
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    return go


def deliveries(home: Path) -> list[Any]:
    with Store.open(home, resolve_tz("UTC")) as store:
        return store.deliveries(50)


def test_threshold_once_none_next_run_again_when_worse(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        run("log", "--sessions", "5", "--written", "0")
        first = remind()
        assert first["sent"] == 1 and first["failed"] == 0
        assert [m["title"] for m in sink.messages] == ["Catch up now: 5 notes open"]
        assert sink.messages[0]["message"].startswith(
            "5 notes open, oldest from today: a 27-minute"
        )
        at(f"{MONDAY}T10:30")
        assert remind()["sent"] == 0
        assert len(sink.messages) == 1
        run("log", "--sessions", "10", "--written", "0")  # re-logging corrects: 10 open
        at(f"{MONDAY}T11:00")
        assert remind()["sent"] == 1
        assert [m["title"] for m in sink.messages][1:] == ["Catch up now: 10 notes open"]


def test_quiet_hours_hold_then_send(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T20:00")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        run("log", "--sessions", "5", "--written", "0")
        held = remind()
        assert held["hold_reason"] == "quiet_hours" and held["sent"] == 0
        assert held["held_until"] == "2026-11-24T08:00+00:00"
        text = run("remind").stdout
        assert text.startswith("Held back until Tue 24 Nov 08:00 (quiet hours): Catch up now")
        assert sink.messages == []
        at("2026-11-24T08:00")
        assert remind()["sent"] == 1
        assert [m["title"] for m in sink.messages] == ["Catch up now: 5 notes open"]


def test_no_client_reference_reaches_the_endpoint(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at("2026-11-12T10:00")
    run("add", "--date", "2026-11-05", "--client", "XY77", "--blocked-on", "result")
    at(f"{MONDAY}T10:00")
    refs = ["QX7Z", "ZK42", "JD9", "Rb88", "WW31", "AB12"]
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        for k, ref in enumerate(refs):
            run("add", "--date", f"2026-11-{10 + k}", "--client", ref)
        report = remind()
        (delivery,) = report["deliveries"]  # every alert due goes out in one message
        assert {"breach", "threshold", "tier", "chase"} <= set(delivery["kinds"])
        assert report["sent"] == len(sink.raw) == 1
    for body in sink.raw:
        for ref in [*refs, "XY77"]:
            assert ref.encode() not in body


def test_refused_endpoint_records_failure_then_retry_succeeds(
    home: Path,
    run: Callable[..., Result],
    remind: Callable[[], dict[str, Any]],
    at: Callable[[str], None],
) -> None:
    at(f"{MONDAY}T10:00")
    port = free_port()
    secret = "hook/tok-SECRET9"
    run("config", "notify.urls", f"json://127.0.0.1:{port}/{secret}")
    run("log", "--sessions", "5", "--written", "0")
    before = digest(home)
    failed = remind()
    assert failed["sent"] == 0 and failed["failed"] == 1
    (record,) = deliveries(home)
    assert not record.ok and record.kind == "threshold"
    assert record.error and "Connection" in record.error
    assert str(port) not in record.error and "SECRET9" not in record.error
    assert record.target.startswith("json://") and "SECRET9" not in record.target
    # What the user logged is untouched by a failed delivery.
    with sqlite3.connect(home / "caughtup.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM items WHERE written_at IS NULL").fetchone() == (
            5,
        )
    assert before != digest(home)  # only the delivery record was added
    at(f"{MONDAY}T10:30")
    with serve(port) as sink:
        retried = remind()
        assert retried["sent"] == 1
        assert [m["title"] for m in sink.messages] == ["Catch up now: 5 notes open"]
        at(f"{MONDAY}T11:00")
        assert remind()["sent"] == 0
        assert len(sink.messages) == 1
    assert [d.ok for d in deliveries(home)] == [True, False]
    with sqlite3.connect(home / "caughtup.db") as conn:
        dump = "\n".join(conn.iterdump())
    assert "SECRET9" not in dump and f":{port}/" not in dump


def test_one_url_down_does_not_resend_to_the_others(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    port = free_port()
    with serve() as up:
        run("config", "notify.urls", f"{up.url()},json://127.0.0.1:{port}/down")
        run("log", "--sessions", "5", "--written", "0")
        assert remind()["failed"] == 1
        with serve(port) as down:
            at(f"{MONDAY}T10:30")
            assert remind()["sent"] == 1
            assert len(up.messages) == 1 and len(down.messages) == 1


def test_unknown_url_is_a_recorded_failure_not_an_error(
    home: Path, run: Callable[..., Result], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    run("config", "notify.urls", "nosuchservice://abcdef/123")
    run("log", "--sessions", "5", "--written", "0")
    result = run("remind")
    assert result.exit_code == 0
    assert "FAILED, apprise does not understand this URL" in result.stdout
    assert "abcdef" not in result.stdout
    assert "retried on the next run" in result.stdout
    assert not deliveries(home)[0].ok


def test_bad_settings_exit_2(home: Path, run: Callable[..., Result]) -> None:
    home.mkdir(parents=True)
    (home / "settings.toml").write_text('[notify]\nquiet_hours = "7pm"\n')
    (home / "settings.toml").chmod(0o600)
    result = run("remind")
    assert result.exit_code == 2
    assert "notify.quiet_hours must be a range HH:MM-HH:MM" in result.stderr


def test_no_urls_says_what_would_be_sent(
    run: Callable[..., Result], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    run("log", "--sessions", "5", "--written", "0")
    result = run("remind")
    assert result.exit_code == 0
    assert "No notification URLs set" in result.stdout
    assert "Would send: Catch up now: 5 notes open." in result.stdout


def test_a_second_run_waits_for_the_first(
    home: Path, run: Callable[..., Result], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        run("log", "--sessions", "5", "--written", "0")
        with notifier.run_lock(home) as mine:
            assert mine
            busy = json.loads(run("remind", "--json").stdout)
        assert busy["busy"] is True and sink.messages == []


def test_hung_endpoint_times_out_quickly() -> None:
    with silent_listener() as port:
        started = time.perf_counter()
        error = notifier.send(f"json://127.0.0.1:{port}/x", "t", "b", timeout=0.4)
        elapsed = time.perf_counter() - started
    assert error is not None and str(port) not in error
    assert elapsed < 3


def test_notify_test_says_per_url_whether_it_worked(home: Path, run: Callable[..., Result]) -> None:
    port = free_port()
    with serve() as sink:
        run("config", "notify.urls", f"{sink.url('tok-AAA111')},json://127.0.0.1:{port}/tok-BBB222")
        result = run("notify-test")
        assert sink.messages[0]["title"] == notifier.TEST_TITLE
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("json://••••••") and "worked" in lines[0]
    assert "FAILED" in lines[1]
    assert "AAA111" not in result.output and "BBB222" not in result.output
    assert [d.kind for d in deliveries(home)] == ["test", "test"]


def test_notify_test_json_and_no_urls(run: Callable[..., Result]) -> None:
    result = run("notify-test", "--json")
    assert result.exit_code == 2 and "no notification URLs set" in result.stderr
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        data = json.loads(run("notify-test", "--json").stdout)
    assert [r["ok"] for r in data["results"]] == [True]


def test_schedule_prints_crontab_and_systemd_units(run: Callable[..., Result]) -> None:
    text = run("remind", "--schedule").stdout
    assert "*/30 * * * * umask 077; CAUGHTUP_HOME=" in text and " remind >/dev/null 2>>" in text
    assert "[Service]\nType=oneshot" in text and "OnCalendar=*:0/30" in text
    data = json.loads(run("remind", "--schedule", "--json").stdout)
    assert set(data) == {"command", "crontab", "service", "timer"}
    assert data["service"].count("ExecStart=") == 1
    assert "CAUGHTUP_HOME=" in data["crontab"]  # the tests pin a data folder


def test_remind_with_nothing_to_send_does_not_load_apprise(tmp_path: Path) -> None:
    from tests.test_imports import loaded_after

    code = "from tracker.cli.group import cli\ntry:\n    cli.main(['remind'])\nexcept SystemExit:\n    pass"
    assert "apprise" not in loaded_after(code, tmp_path)


def test_self_check_reminder_follows_the_last_self_check(
    home: Path,
    run: Callable[..., Result],
    remind: Callable[[], dict[str, Any]],
    at: Callable[[str], None],
) -> None:
    at("2026-10-26T10:00")
    run("log", "--sessions", "1", "--written", "1")
    at(f"{MONDAY}T10:00")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        assert [d["kind"] for d in remind()["deliveries"]] == ["selfcheck"]
        assert sink.messages[0]["message"].startswith(
            "A self-check is due. It takes about five minutes"
        )
        with Store.open(home, resolve_tz("UTC")) as store:
            store.add_selfcheck(
                taken_on=date(2026, 11, 23),
                taken_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
                questionnaire="builtin",
                answers={},
                scores={},
                profile="neither",
                safety_flag=False,
            )
        assert remind()["active"] == []
        at("2026-12-21T10:00")
        assert [d["kind"] for d in remind()["deliveries"]] == ["selfcheck"]
        unflagged = sink.messages[-1]
        # After a flagged safety answer the next one is due in 7 days, and its reminder reads
        # exactly like any other: it says only that a self-check is due.
        with Store.open(home, resolve_tz("UTC")) as store:
            store.add_selfcheck(
                taken_on=date(2026, 12, 21),
                taken_at=datetime(2026, 12, 21, 10, tzinfo=UTC),
                questionnaire="builtin",
                answers={},
                scores={},
                profile="neither",
                safety_flag=True,
            )
        at("2026-12-25T10:00")
        assert remind()["active"] == []
        at("2026-12-28T10:00")
        assert [d["kind"] for d in remind()["deliveries"]] == ["selfcheck"]
        flagged = sink.messages[-1]
        assert (flagged["title"], flagged["message"]) == (unflagged["title"], unflagged["message"])
        assert flagged["message"] == (
            "A self-check is due. It takes about five minutes: `caughtup selfcheck`."
        )


def test_catch_up_block_from_the_saved_sprint(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at(f"{MONDAY}T10:00")
    run("add", "--date", MONDAY, "--client", "QZ5")
    run("add", "--date", MONDAY, "--type", "intake")
    assert run("plan", "--days", "mon,thu", "--start", MONDAY).exit_code == 0
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        assert [d["kind"] for d in remind()["deliveries"]] == ["block"]
        assert sink.messages[0]["title"] == "A catch-up block today at 16:00"
        assert "the plan: 1 intake, 1 progress note." in sink.messages[0]["message"]
        at(f"{MONDAY}T12:00")
        assert remind()["sent"] == 0


def test_schedule_names_the_data_folder_and_remind_refuses_a_folder_without_data(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cron home" / "nothing here"
    monkeypatch.setenv("CAUGHTUP_HOME", str(elsewhere))
    data = json.loads(run("remind", "--schedule", "--json").stdout)
    assert f"CAUGHTUP_HOME='{elsewhere}' /" in data["crontab"]  # quoted, then an absolute command
    assert f'Environment="CAUGHTUP_HOME={elsewhere}"' in data["service"]
    assert data["service"].split("ExecStart=")[1].startswith("/")
    result = run("remind")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"caughtup: no caughtup database in {elsewhere}; set CAUGHTUP_HOME to your data folder "
        "(`caughtup remind --schedule` prints a line that does)\n"
    )
    assert not elsewhere.exists()


def test_the_cron_line_run_by_a_shell_in_a_bare_environment_keeps_its_error(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """cron runs the line with /bin/sh and almost no environment: a run that fails (here: the
    folder has no database yet) leaves its reason in the folder, for the owner only."""
    folder = tmp_path / "data folder"
    monkeypatch.setenv("CAUGHTUP_HOME", str(folder))
    line = json.loads(run("remind", "--schedule", "--json").stdout)["crontab"]
    command = line.split(" ", 5)[5]  # after the five schedule fields
    folder.mkdir()
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["/bin/sh", "-c", command], env=bare, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == done.stderr == ""
    log = folder / "remind-errors.log"
    assert log.read_text().startswith(f"caughtup: no caughtup database in {folder};")
    assert log.stat().st_mode & 0o777 == 0o600
    from tracker import notifier

    failure = notifier.remind_failure(folder)
    assert failure and failure.startswith(f"no caughtup database in {folder}; set CAUGHTUP_HOME")
    # With the data in place the next run gets through, and the error it left is cleared.
    assert run("log", "--sessions", "1", "--written", "1").exit_code == 0
    done = subprocess.run(["/bin/sh", "-c", command], env=bare, capture_output=True, text=True)
    assert done.returncode == 0 and not log.exists()
    assert notifier.remind_failure(folder) is None


def test_alerts_due_in_one_run_go_out_as_one_message_each_state_once(
    run: Callable[..., Result], remind: Callable[[], dict[str, Any]], at: Callable[[str], None]
) -> None:
    at("2026-11-04T10:00")
    for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-04", "2026-11-04"):
        run("add", "--date", day, "--client", "QX7Z")
    at(f"{MONDAY}T10:00")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        first = remind()
        assert first["sent"] == 1 and len(sink.messages) == 1
        assert first["deliveries"][0]["kinds"] == ["breach", "threshold", "tier"]
        (message,) = sink.messages
        assert message["title"] == "caughtup: 3 reminders: 5 notes past the 24-hour rule"
        lines = message["message"].split("\n\n")
        assert [line.split(".")[0] for line in lines] == [
            "5 notes past the 24-hour rule",
            "Catch up now: 5 notes open",
            "Backlog now 1 to 3 weeks",
        ]
        assert b"QX7Z" not in sink.raw[0]
        at(f"{MONDAY}T10:30")
        assert remind()["sent"] == 0  # each state once
        run("add", "--date", "2026-11-20")
        at(f"{MONDAY}T11:00")
        again = remind()
        assert again["deliveries"][0]["kinds"] == ["breach"]  # only what got worse
        assert sink.messages[1]["title"] == "6 notes past the 24-hour rule"
