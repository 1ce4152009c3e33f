"""The README's install, for real: the wheel built from a clean copy of the checkout (what
`pipx install .` and `uv tool install .` build) ships every file of the three packages and the
command; pipx and uv install it into fresh folders, offline from the locked wheels `make` keeps in
the venv; the installed command then runs from elsewhere, on its own dependencies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
BIN = Path(sys.executable).parent  # pipx and uv come with the test extra
# Filled by the Makefile's venv step: every locked dependency, pip and setuptools, as wheels.
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
# The interpreter under this run's venv: one that surely exists, for pipx and uv to build on.
PYTHON = Path(sys.base_prefix, "bin", f"python{sys.version_info.major}.{sys.version_info.minor}")
# Every file of the three packages, whatever pyproject.toml says: a module, subpackage or data
# file the packaging config forgot is what these tests are here to catch.
SHIPPED = sorted(
    str(path.relative_to(ROOT))
    for package in ("tracker", "screens", "questionnaires")
    for path in (ROOT / package).rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)
# Run by the installed interpreter from outside the checkout: every module imports on the
# dependencies the package declares (the command's fast paths import few of them), and says
# where the packages were installed.
IMPORT_ALL = """
import importlib, pkgutil, tracker
for top in ("tracker", "screens", "questionnaires"):
    for module in pkgutil.walk_packages(importlib.import_module(top).__path__, top + "."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
print(tracker.__path__[0].removesuffix("/tracker"))
"""


def run(args: Sequence[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


def base_env(tmp: Path) -> dict[str, str]:
    """Nothing of this machine's: no PIP_* or UV_* settings, pip's config files off, HOME new."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "user"), "PIP_CONFIG_FILE": os.devnull}


def clean_copy(to: Path) -> Path:
    """The checkout as a fresh clone has it, without builds or caches a stale file could hide in."""
    ignore = shutil.ignore_patterns(".*", "__pycache__", "build", "dist", "*.egg-info")
    return Path(shutil.copytree(ROOT, to, ignore=ignore))


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    if not any(WHEELHOUSE.glob("setuptools-*.whl")):
        pytest.fail(f"no wheels in {WHEELHOUSE}: `make bytecode` fills it")
    return WHEELHOUSE


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Path:
    """The wheel `pip wheel .` builds, offline (setuptools from the wheelhouse)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = clean_copy(tmp / "caughtup")
    pip_wheel = ["pip", "wheel", "--no-deps", "--no-index", "--find-links", wheelhouse, "-w", tmp]
    run([sys.executable, "-m", *pip_wheel, "--quiet", source], cwd=tmp, env=base_env(tmp))
    (built,) = tmp.glob("caughtup-*.whl")
    return built


def test_wheel_contains_every_file_and_the_command(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, f"missing from the wheel: {missing}"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "caughtup = tracker.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def check_installed(command: Path, python: Path, tool_home: Path, tmp: Path) -> None:
    """The installed command works from elsewhere, on the tool's own copy of every file."""
    outside = tmp / "elsewhere"
    outside.mkdir()
    env = {
        **base_env(tmp),
        "CAUGHTUP_HOME": str(tmp / "data"),
        "CAUGHTUP_NOW": "2026-11-22T18:00",
        "TZ": "UTC",
    }
    assert run([command, "--version"], outside, env) == f"caughtup {VERSION}\n"
    assert "0 outstanding" in run([command, "status"], outside, env)
    assert (tmp / "data" / "caughtup.db").is_file()
    site = Path(run([python, "-c", IMPORT_ALL], outside, env).strip())
    assert site.is_relative_to(tool_home), f"the packages came from {site}"
    missing = [name for name in SHIPPED if not (site / name).is_file()]
    assert not missing, f"not installed: {missing}"
    differ = [name for name in SHIPPED if (site / name).read_bytes() != (ROOT / name).read_bytes()]
    assert not differ, f"installed, but not as in the checkout: {differ}"


def test_pipx_install_runs_from_anywhere(fast_dir: Path, wheelhouse: Path, wheel: Path) -> None:
    env = {
        **base_env(fast_dir),
        "PIPX_HOME": str(fast_dir / "pipx"),
        "PIPX_BIN_DIR": str(fast_dir / "bin"),
        "PIPX_MAN_DIR": str(fast_dir / "man"),
        # pipx's pip, offline: that includes the pip >= 26.1 pipx puts in its shared
        # environment first (the wheelhouse has the pinned one, a dependency of sqlite-utils).
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
    }
    # pipx would pick uv, installed beside it here; alone, as most have it, pipx uses pip.
    # Without byte-compiling every dependency: 6 of the install's 10 s, and worth nothing here.
    install = ["install", "--backend", "pip", "--pip-args=--no-compile", "--python", PYTHON, wheel]
    run([BIN / "pipx", *install], fast_dir, env)
    tool = fast_dir / "pipx" / "venvs" / "caughtup"
    check_installed(fast_dir / "bin" / "caughtup", tool / "bin" / "python", tool, fast_dir)


def test_uv_tool_install_runs_from_anywhere(fast_dir: Path, wheelhouse: Path, wheel: Path) -> None:
    env = {
        **base_env(fast_dir),
        "UV_TOOL_DIR": str(fast_dir / "tools"),
        "UV_TOOL_BIN_DIR": str(fast_dir / "bin"),
        "UV_CACHE_DIR": str(fast_dir / "cache"),
        "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
    }
    offline = ["--offline", "--no-index", "--find-links", wheelhouse]
    run([BIN / "uv", "tool", "install", *offline, "--python", PYTHON, wheel], fast_dir, env)
    tool = fast_dir / "tools" / "caughtup"
    check_installed(fast_dir / "bin" / "caughtup", tool / "bin" / "python", tool, fast_dir)
