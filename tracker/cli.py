"""The `caughtup` command: a click group whose subcommands load lazily (startup is a feature).

Bare `caughtup` opens the TUI. Every error from bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker.errors import InputError

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


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use, and prints errors as one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        os.umask(0o077)  # everything caughtup writes is owner-only
        try:
            super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("caughtup: aborted; nothing was changed", err=True)
            sys.exit(130)
        except click.UsageError as exc:
            if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
                # Our option types already name the option, the value and the fix.
                message = _one_line(exc.message)
                if exc.param is not None and exc.param.opts and not message.startswith("-"):
                    message = f"{exc.param.opts[0]}: {message}"
                click.echo(f"caughtup: {message}", err=True)
                sys.exit(2)
            hint = f"; see `{exc.ctx.command_path} --help`" if exc.ctx else ""
            click.echo(f"caughtup: {_one_line(exc.format_message())}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"caughtup: {_one_line(exc.format_message())}", err=True)
            sys.exit(2)
        except InputError as exc:
            click.echo(f"caughtup: {_one_line(str(exc))}", err=True)
            sys.exit(2)
        except sqlite3.DatabaseError as exc:
            click.echo(f"caughtup: {_one_line(_database_error(exc))}", err=True)
            sys.exit(2)
        sys.exit(0)


def _database_error(exc: sqlite3.DatabaseError) -> str:
    """Damage found mid-command (the cheap checks at open passed): name the file and a backup."""
    from tracker.paths import DB_NAME, data_dir
    from tracker.store import DatabaseProblem

    if "locked" in str(exc) or "busy" in str(exc):
        return (
            "the database stayed busy for 15 s (another caughtup is writing); nothing was "
            "changed; try again"
        )
    return str(DatabaseProblem(data_dir() / DB_NAME, f"is damaged ({exc})"))


def _one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


@click.group(
    name="caughtup",
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="caughtup", message="caughtup %(version)s")
@click.option("--demo", is_flag=True, help="Open the app on sample data (same as `caughtup demo`).")
@click.pass_context
def cli(ctx: click.Context, demo: bool) -> None:
    """caughtup: a private companion for clinicians behind on session notes.

    Run without a command to open the app. Data lives in $CAUGHTUP_HOME or your user data folder.
    """
    if ctx.invoked_subcommand is None:
        # textual costs ~250 ms: only when the TUI opens
        from screens.app import run_app, run_demo

        if demo:
            run_demo()
        else:
            run_app()


def main() -> None:
    cli.main(prog_name="caughtup")
