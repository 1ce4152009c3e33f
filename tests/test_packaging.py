"""The built wheel ships the three packages with their data files and the console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_wheel_contains_packages_and_data(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("caughtup-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("tracker", "screens", "questionnaires"):
        assert f"{package}/__init__.py" in names
    for source in [
        *root.glob("screens/*.tcss"),
        *root.glob("questionnaires/*.toml"),
        *root.glob("tracker/data/*"),
    ]:
        assert str(source.relative_to(root)) in names, f"{source.name} missing from the wheel"
    assert any(n.endswith("entry_points.txt") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "caughtup = tracker.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
