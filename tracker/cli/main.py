"""The `caughtup` entry point: the app, the fast `status`, and the click group for the rest.

Bare `caughtup` opens the TUI. Every error from bad input is one line on stderr and exit 2.
`status` is what a shell prompt or a tmux bar runs all day, with a 60 ms budget: `main` answers it
without loading click (about 20 ms of imports), and opens the app the same way. Everything else,
`--help` and any option `status` does not know included, goes to the click group in
`tracker.cli.group`.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

from tracker.cli.errors import user_errors

STATUS_FLAGS = {"--json", "--short"}
COMPLETE_VAR = "_CAUGHTUP_COMPLETE"  # click's name for it: `_{PROG}_COMPLETE`
NOT_A_TERMINAL = (
    "the app needs a terminal and the output goes elsewhere; run a command instead, such as "
    "`caughtup status` (`caughtup --help` lists them)"
)


def main() -> None:
    os.umask(0o077)  # everything caughtup writes is owner-only
    args = sys.argv[1:]
    if args[:1] == ["status"] and set(args[1:]) <= STATUS_FLAGS:
        _fast_status(as_json="--json" in args, short="--short" in args)
    completing = COMPLETE_VAR in os.environ  # the shell asks for its completion script
    if not args and not completing and not sys.stdout.isatty():
        _no_terminal()
    if not args and not completing:
        # The app: its first screen has a 400 ms budget, click would take 20 of it.
        # Starting Textual allocates a few hundred thousand objects that live as long as the app;
        # the cycle collector walking them as they appear costs ~30 ms of the first screen. The
        # app turns it back on once that screen is painted (CaughtupApp.on_mount).
        gc.disable()
        from tracker.cli.tui import open_app

        with user_errors():
            open_app()
        sys.exit(0)
    # Loading click and the command allocates objects that live until exit, and the cycle
    # collector would walk them again and again as they arrive, and once more at exit (~8 ms of
    # `trends`): it is off while they load, then they are frozen out of its reach.
    gc.disable()
    from importlib import import_module

    from tracker.cli.group import COMMANDS, cli

    if args and args[0] in COMMANDS:
        import_module(COMMANDS[args[0]].partition(":")[0])
    gc.freeze()
    gc.enable()
    cli.main(prog_name="caughtup")


def _no_terminal() -> NoReturn:
    """Bare `caughtup` writing to a pipe, a file or cron's mail, where the app's escape codes
    would land: one line says what to run instead (a damaged database is said first, as the app
    would). Exit 2, as for any usage error: a script that ran it by mistake sees nothing was done.
    """
    from tracker.paths import DB_NAME
    from tracker.workspace import Workspace

    ws = Workspace()
    if (ws.home / DB_NAME).exists():  # never create a database only to say this
        with user_errors():
            try:
                ws.store  # noqa: B018 - opening it checks it
            finally:
                ws.close()
    print(f"caughtup: {NOT_A_TERMINAL}", file=sys.stderr)
    sys.exit(2)


def _fast_status(*, as_json: bool, short: bool) -> NoReturn:
    """`caughtup status` without click; the click command prints the very same text.

    It also skips two costs a run this short never needs: the cycle collector during imports
    (about 3 ms) and the interpreter's teardown (about 7 ms): once the answer is printed and the
    database closed, nothing is left to flush or release.
    """
    gc.disable()
    from tracker.cli.output import status_output
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
