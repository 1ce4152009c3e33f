"""Late entries, labelled every time (issue 16) and a notation wording that cannot hurt (issue 18):
every way of finishing a late note gives its notation, shown, in JSON and kept with the note."""

from __future__ import annotations

import json
import sqlite3
import time as clock
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest

WRITTEN = "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of"
REASON = "Reason: Documentation delayed due to caseload volume."
MEMORY = "Reconstructed from memory of the session."


def kept(home: Path, item_id: int) -> str | None:
    conn = sqlite3.connect(home / "caughtup.db")
    try:
        ((notation,),) = conn.execute("SELECT notation FROM items WHERE id = ?", (item_id,))
        return notation  # type: ignore[no-any-return]
    finally:
        conn.close()


def test_done_gives_the_notation_with_its_reason_and_keeps_it(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    first = run_json("add", "--date", "2026-11-10")["id"]
    data = run_json("done", str(first))
    notation = f"{WRITTEN} 2026-11-10. {REASON}"
    assert data["notations"] == [{"id": first, "notation": notation, "client_ref": None}]
    assert data["items"][0]["notation"] == notation
    assert kept(home, first) == notation
    second = run_json("add", "--date", "2026-11-11")["id"]
    out = run("done", str(second), "--reason", "Clinician illness").stdout
    assert f"{WRITTEN} 2026-11-11. Reason: Clinician illness." in out
    third = run_json("add", "--date", "2026-11-12")["id"]
    assert run_json("done", str(third), "--no-reason")["notations"][0]["notation"] == (
        f"{WRITTEN} 2026-11-12."
    )
    fresh = run_json("add", "--date", "2026-11-22")["id"]
    assert run_json("done", str(fresh))["notations"] == []
    assert kept(home, fresh) is None


def test_from_memory_is_for_a_high_risk_note(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    risky = run_json("add", "--date", "2026-11-10", "--high-risk")["id"]
    routine = run_json("add", "--date", "2026-11-10")["id"]
    before = digest(home)
    refused = run("done", str(routine), "--from-memory")
    assert refused.exit_code == 2 and "--from-memory is for high-risk (P3) notes" in refused.stderr
    assert digest(home) == before
    bad = run("done", str(risky), "--reason", "x" * 201)
    assert bad.exit_code == 2 and "--reason must be one line" in bad.stderr
    data = run_json("done", str(risky), str(routine), "--from-memory")
    by_id = {row["id"]: row["notation"] for row in data["notations"]}
    assert by_id[risky] == f"{WRITTEN} 2026-11-10. {REASON} {MEMORY}"
    assert MEMORY not in by_id[routine]
    assert kept(home, risky) == by_id[risky]


def test_block_done_labels_and_keeps_late_notes_from_memory_too(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    risky = run_json("add", "--date", "2026-11-10", "--high-risk")["id"]
    routine = run_json("add", "--date", "2026-11-12")["id"]
    run_json("plan")
    data = run_json("block", "done", "--from-memory", "--reason", "Leave")
    by_id = {row["id"]: row["notation"] for row in data["notations"]}
    assert by_id == {
        risky: f"{WRITTEN} 2026-11-10. Reason: Leave. {MEMORY}",
        routine: f"{WRITTEN} 2026-11-12. Reason: Leave.",
    }
    assert kept(home, risky) == by_id[risky] and kept(home, routine) == by_id[routine]
    shown = run_json("block", "show")["blocks"][0]["notations"]
    assert {row["id"]: row["notation"] for row in shown} == by_id


def test_the_reason_default_is_a_setting(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    assert run("config", "rules.late_entry_reason", "Staff shortage").exit_code == 0
    item = run_json("add", "--date", "2026-11-10")["id"]
    assert run_json("done", str(item))["notations"][0]["notation"].endswith(
        "Reason: Staff shortage."
    )
    assert run("config", "rules.late_entry_reason", "").exit_code == 0
    other = run_json("add", "--date", "2026-11-10")["id"]
    assert run_json("done", str(other))["notations"][0]["notation"] == f"{WRITTEN} 2026-11-10."
    bad = run("config", "rules.late_entry_reason", "x" * 300)
    assert bad.exit_code == 2 and "rules.late_entry_reason must be one line" in bad.stderr


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Written {written} for {session}",  # not labelled a late entry
        "LATE ENTRY for {session}",  # no written date
        "LATE ENTRY written {written}",  # no session date
        "late entry {written:>1000000000} {session}",  # a format spec: 1 GB of padding
        "late entry {written!r} {session}",
        "late entry {written} {session} {0}",
        "late entry {written} {session} {client_ref}",
        "late entry {written} {session} {written.year}",
        "late entry {written} {session} }",
        "late entry {written} {session} " + "x" * 300,
    ],
)
def test_a_late_entry_text_that_could_mislabel_or_explode_is_refused(
    text: str, run: Callable[..., Result], home: Path
) -> None:
    run("config", "rules.threshold", "6")
    run("status")  # settings are read once (and their parse kept) before the digest
    before = digest(home)
    started = clock.perf_counter()
    result = run("config", "rules.late_entry_text", text)
    assert clock.perf_counter() - started < 1
    assert result.exit_code == 2
    assert 'rules.late_entry_text must be text of up to 300 characters that says "late entry"' in (
        result.stderr
    )
    assert digest(home) == before


def test_a_late_entry_text_of_its_own_words_is_used(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    text = "Late entry ({written}) for the {session} {session_time} session {{signed}}"
    assert run("config", "rules.late_entry_text", text).exit_code == 0
    item = run_json("add", "--date", "2026-11-10", "--time", "14:00")["id"]
    assert run_json("done", str(item), "--no-reason")["notations"][0]["notation"] == (
        "Late entry (2026-11-22 18:00) for the 2026-11-10 14:00 session {signed}"
    )


def test_an_imported_export_is_held_to_the_same_wording_rules(
    run: Callable[..., Result], home: Path, tmp_path: Path
) -> None:
    run("log", "--sessions", "2", "--written", "1")
    out = tmp_path / "export.json"
    assert run("export", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["settings"]["rules.late_entry_text"] = "{written:>1000000000}"
    out.write_text(json.dumps(data), encoding="utf-8")
    before = digest(home)
    result = run("import", str(out))
    assert result.exit_code == 2
    assert "rules.late_entry_text must be text of up to 300 characters" in result.stderr
    assert digest(home) == before
    # And a settings file edited by hand is refused the same way, naming the file.
    (home / "settings.toml").write_text('[rules]\nlate_entry_text = "{written:>99}"\n')
    status = run("status")
    assert status.exit_code == 2 and "settings.toml" in status.stderr
    assert "rules.late_entry_text must be" in status.stderr
