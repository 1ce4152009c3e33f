"""Two peer tools timed the same way as caughtup and in the same rounds (`bench/run --peers`),
for a ratio from one run.

Watson (`watson status`) and jrnl (`jrnl -n 10`, reading the last ten entries) go into a
throwaway venv built from the same Python, each with ten years of data in a temporary home.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

PINS = ("td-watson==2.1.0", "jrnl==4.6")


def prepare(folder: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    """(label, argv, environment) of each peer's command, installed and given its data first
    (needs PyPI)."""
    venv = folder / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *PINS],
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "data"),
        "WATSON_DIR": str(folder / "watson"),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
    }
    _watson_data(Path(env["WATSON_DIR"]))
    _jrnl_data(Path(env["XDG_CONFIG_HOME"]) / "jrnl", folder / "journal.txt")
    return [
        ("Watson: status", [str(venv / "bin" / "watson"), "status"], env),
        ("jrnl: -n 10", [str(venv / "bin" / "jrnl"), "-n", "10"], env),
    ]


def _watson_data(folder: Path) -> None:
    """Ten years of 50-minute sessions as Watson frames, and one running now."""
    folder.mkdir(parents=True)
    rng = random.Random(9)
    start = datetime(2016, 11, 21, 9)
    frames = []
    for day in range(3650):
        moment = start + timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        for hour in (9, 10, 11, 14, 15):
            begin = moment.replace(hour=hour).timestamp()
            frames.append(
                [int(begin), int(begin) + 3000, "sessions", f"{rng.getrandbits(128):032x}",
                 ["progress"], int(begin) + 3000]
            )  # fmt: skip
    (folder / "frames").write_text(json.dumps(frames))
    state = {"project": "notes", "start": int(datetime(2026, 11, 20, 17).timestamp()), "tags": []}
    (folder / "state").write_text(json.dumps(state))


def _jrnl_data(config: Path, journal: Path) -> None:
    """Ten years of daily entries in a plain-text journal, and jrnl's config pointing at it."""
    config.mkdir(parents=True)
    start = datetime(2016, 11, 21, 18, 30)
    with journal.open("w") as fh:
        for day in range(3650):
            moment = start + timedelta(days=day)
            fh.write(
                f"[{moment:%Y-%m-%d %I:%M:%S %p}] Notes day {day}.\n"
                "Five sessions, four notes written the same day, one left for tomorrow.\n\n"
            )
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.6\n"
    )
