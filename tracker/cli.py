"""The `caughtup` command: its subcommands, and the entry point that runs them.

Bare `caughtup` opens the TUI. Every error from bad input is one line on stderr and exit 2.
`status` is what a shell prompt or a tmux bar runs all day, with a 60 ms budget: `main` answers it
without loading click (about 20 ms of imports), and opens the app the same way. Everything else,
`--help` and any option `status` does not know included, goes to the click group in
`tracker.commands.group`.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from tracker.errors import InputError

if TYPE_CHECKING:
    from tracker.workspace import Workspace

# name -> "module:attribute"; a command's module is imported only when that command runs.
COMMANDS: dict[str, str] = {
    "log": "tracker.commands.checkin:log",
    "add": "tracker.commands.items:add",
    "edit": "tracker.commands.items:edit",
    "done": "tracker.commands.items:done",
    "backlog": "tracker.commands.backlog:backlog",
    "status": "tracker.commands.status:status",
    "config": "tracker.commands.config:config",
    "selfcheck": "tracker.commands.selfcheck:selfcheck",
    "crisis": "tracker.commands.crisis:crisis",
    "plan": "tracker.commands.plan:plan",
    "block": "tracker.commands.plan:block",
    "trends": "tracker.commands.trends:trends_command",
    "demo": "tracker.commands.demo:demo",
    "remind": "tracker.commands.remind:remind",
    "notify-test": "tracker.commands.remind:notify_test",
    "export": "tracker.commands.data:export",
    "import": "tracker.commands.data:import_",
    "backup": "tracker.commands.data:backup",
    "restore": "tracker.commands.data:restore",
}

STATUS_FLAGS = {"--json", "--short"}
ABORTED = "caughtup: aborted; nothing was changed"


def main() -> None:
    os.umask(0o077)  # everything caughtup writes is owner-only
    args = sys.argv[1:]
    if args[:1] == ["status"] and set(args[1:]) <= STATUS_FLAGS:
        _fast_status(as_json="--json" in args, short="--short" in args)
    if not args:  # the app: its first screen has a 400 ms budget, click would take 20 of it
        # Starting Textual allocates a few hundred thousand objects that live as long as the app;
        # the cycle collector walking them as they appear costs ~30 ms of the first screen. The
        # app turns it back on once that screen is painted (CaughtupApp.on_mount).
        gc.disable()
        from screens.app import run_app  # textual costs ~200 ms: only when the TUI opens

        with user_errors():
            run_app()
        sys.exit(0)
    # Loading click and the command allocates objects that live until exit, and the cycle
    # collector would walk them again and again as they arrive, and once more at exit (~8 ms of
    # `trends`): it is off while they load, then they are frozen out of its reach.
    gc.disable()
    from importlib import import_module

    from tracker.commands.group import cli

    if args[0] in COMMANDS:
        import_module(COMMANDS[args[0]].partition(":")[0])
    gc.freeze()
    gc.enable()
    cli.main(prog_name="caughtup")


def _fast_status(*, as_json: bool, short: bool) -> NoReturn:
    """`caughtup status` without click; the click command prints the very same text.

    It also skips two costs a run this short never needs: the cycle collector during imports
    (about 3 ms) and the interpreter's teardown (about 7 ms): once the answer is printed and the
    database closed, nothing is left to flush or release.
    """
    gc.disable()
    from tracker.workspace import Workspace

    ws = Workspace()
    with user_errors():
        try:
            text = status_output(ws, as_json=as_json, short=short)
        finally:
            ws.close()
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os._exit(1)  # the reader went away (`| head`): quietly, as click does
    os._exit(0)


def status_output(ws: Workspace, *, as_json: bool, short: bool) -> str:
    """What `caughtup status` prints; the click command and the fast path share it."""
    from tracker.summary import current_status, human_lines, short_line

    st = current_status(ws)
    if as_json:
        return json_text(st.to_json())
    if short:
        return short_line(st, ws.settings.rules)
    return "\n".join(human_lines(st, ws.settings.rules))


def json_text(data: Any) -> str:
    """How every command prints JSON: one indented document, dates and times as ISO text."""
    import json

    return json.dumps(data, indent=2, default=str)


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input or a damaged database ends a command with one line on stderr, and exit 2."""
    try:
        yield
    except InputError as exc:
        print(f"caughtup: {one_line(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:
        print(f"caughtup: {one_line(_database_error(exc))}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        print(f"caughtup: {one_line(_os_error(exc))}", file=sys.stderr)
        sys.exit(2)
    except (MemoryError, RecursionError) as exc:
        # Last resort, for input too large or too deep somewhere not checked for it already.
        what = "too large" if isinstance(exc, MemoryError) else "nested too deeply"
        print(f"caughtup: the input is {what} to handle; nothing was changed", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # under click this arrives as click.Abort, reported the same way
        print(f"\n{ABORTED}", file=sys.stderr)
        sys.exit(130)


def _database_error(exc: sqlite3.DatabaseError) -> str:
    """An error from SQLite mid-command (the cheap checks at open passed), in one line."""
    from tracker.paths import DB_NAME, data_dir
    from tracker.store import error_words

    return error_words(exc, data_dir() / DB_NAME)


def _os_error(exc: OSError) -> str:
    """A file caughtup could not read or write, named, with a full disk or a read-only folder
    said as such."""
    from pathlib import Path

    from tracker.files import os_words

    name = exc.filename or "a file"
    folder = Path(exc.filename).parent if exc.filename else None
    return f"cannot use {name}: {os_words(exc, folder)}"


def one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def __getattr__(name: str) -> Any:
    # `cli` (the click group) loads on first use, so importing this module stays click-free.
    if name == "cli":
        from tracker.commands.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
