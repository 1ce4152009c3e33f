"""Where the data folder is when $CAUGHTUP_HOME is not set: platformdirs' answer, found cheaply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from platformdirs import user_data_path

from tracker.paths import data_dir


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG rule is caughtup's own on Linux only")
@pytest.mark.parametrize("xdg", [None, "", "   ", "relative/data", "{tmp}/data"])
def test_default_data_folder_is_the_one_platformdirs_gives(
    xdg: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAUGHTUP_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg.format(tmp=tmp_path))
    assert data_dir() == user_data_path("caughtup", appauthor=False)


def test_status_in_the_default_folder_does_not_import_platformdirs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CAUGHTUP_HOME"}
    env.update(XDG_DATA_HOME=str(tmp_path), CAUGHTUP_NOW="2026-11-22T10:00")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-800:]
    assert '"outstanding": 0' in result.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()}
    assert "tracker.summary" in imported  # the report covers the whole run
    assert sys.platform != "linux" or not imported & {"platformdirs", "tempfile"}
