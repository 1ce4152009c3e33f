"""The built wheel ships the three packages with their data files and the console script, and
works installed on its own: a fresh virtual environment, run from outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel `pip wheel .` builds (what `pipx install .` and `uv tool install .` build)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(folder),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("caughtup-*.whl")
    yield built


def test_wheel_contains_packages_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("tracker", "screens", "questionnaires"):
        assert f"{package}/__init__.py" in names
    for source in [
        *ROOT.glob("screens/*.tcss"),
        *ROOT.glob("questionnaires/*.toml"),
        *ROOT.glob("tracker/data/*"),
    ]:
        assert str(source.relative_to(ROOT)) in names, f"{source.name} missing from the wheel"
    assert any(n.endswith("entry_points.txt") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "caughtup = tracker.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_wheel_installed_in_a_fresh_venv_runs_from_anywhere(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # Without pip of its own (seconds to set up); this run's pip installs into it.
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True
    )
    python = venv / "bin" / "python"
    # The dependencies come from this test run's environment (a plain path entry, so its
    # editable caughtup is not seen): the test needs no network, and checks the wheel itself.
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "deps-from-tests.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    caughtup = venv / "bin" / "caughtup"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CAUGHTUP_HOME": str(tmp_path / "data"),
        "CAUGHTUP_NOW": "2026-11-22T18:00",
        "TZ": "UTC",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [caughtup, *args], cwd=outside, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("--version") == "caughtup 0.1.0\n"
    assert json.loads(run("status", "--json"))["outstanding"] == 0
    where = subprocess.run(
        [python, "-c", "import tracker; print(tracker.__file__)"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(site), f"tracker came from {where}, not the installed wheel"
    assert os.path.commonpath([where, str(ROOT)]) != str(ROOT)
