"""`caughtup` commands in a long-lived process of their own, for races and interleavings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import NOW

# A long-lived process running `caughtup` commands in turn, one per line on stdin (start-up paid
# once, so a few hundred pairs take seconds). Each waits `delay` seconds first: sweeping the
# delay lines every part of one command up against every part of the other.
RUNNER = """
import contextlib, io, json, sys, time
from tracker.cli.group import cli
for line in sys.stdin:
    args, delay = json.loads(line)
    out, err, code = io.StringIO(), io.StringIO(), 0
    time.sleep(delay)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main(args, prog_name="caughtup")
        except SystemExit as exc:
            code = exc.code or 0
    print(json.dumps([code, out.getvalue(), err.getvalue()]), flush=True)
"""


class Runner:
    def __init__(self, home: Path) -> None:
        env = {**os.environ, "CAUGHTUP_HOME": str(home), "CAUGHTUP_NOW": NOW, "TZ": "UTC"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, args: list[str], delay: float = 0.0) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps([args, delay]) + "\n")
        self.proc.stdin.flush()

    def result(self) -> tuple[int, str, str]:
        """The exit code, stdout and stderr of the command sent last."""
        assert self.proc.stdout is not None
        code, out, err = json.loads(self.proc.stdout.readline())
        return code, out, err

    def json(self, *args: str) -> Any:
        """Run one command with --json; its document (it must succeed)."""
        self.send([*args, "--json"])
        code, out, err = self.result()
        assert code == 0, (args, err)
        return json.loads(out)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
