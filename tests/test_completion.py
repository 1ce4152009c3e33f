"""Shell completion and bare `caughtup` without a terminal: real processes, and one real shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_e2e_tmux import CAUGHTUP, Terminal


def caughtup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CAUGHTUP), *args],
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_completion_scripts_print_instead_of_the_app(home: Path) -> None:
    expected = {
        "bash_source": "complete -o nosort -F _caughtup_completion caughtup",
        "zsh_source": "#compdef caughtup",
        "fish_source": "complete --no-files --command caughtup",
    }
    for shell, line in expected.items():
        done = caughtup(env={"_CAUGHTUP_COMPLETE": shell})
        assert done.returncode == 0 and line in done.stdout, done.stdout + done.stderr
        assert "\x1b" not in done.stdout
    assert not home.exists()


def test_bare_caughtup_without_a_terminal_prints_one_line_hint(home: Path) -> None:
    done = caughtup()
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "\x1b" not in done.stderr
    assert done.stderr.startswith("caughtup: the app needs a terminal")
    assert "`caughtup status`" in done.stderr
    assert not home.exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tab_completes_a_command_and_a_setting_key_in_bash(tmp_path: Path) -> None:
    env = {
        "CAUGHTUP_HOME": str(tmp_path / "home"),
        "PATH": f"{CAUGHTUP.parent}:/usr/bin:/bin",
        "TERM": "xterm-256color",
        "PS1": "ready\\$",
    }
    term = Terminal(f"h21cli-completion-{os.getpid()}-{time.monotonic_ns()}", env)
    try:
        term.start(["bash", "--norc", "--noprofile"], size=(100, 20))
        term.wait_for("ready$")
        term.type('eval "$(_CAUGHTUP_COMPLETE=bash_source caughtup)"; echo sourced')
        term.keys("Enter")
        term.wait_for("\nsourced\nready$")
        term.type("caughtup remi")
        term.keys("Tab")
        term.wait_for("ready$caughtup remind\n")
        term.keys("C-u")
        term.type("caughtup config rules.thr")
        term.keys("Tab")
        term.wait_for("ready$caughtup config rules.threshold\n")
    finally:
        term.tmux("kill-server")
