"""The click group behind `caughtup`: subcommands load lazily, errors print as one line.

`tracker.cli.main` answers the hot read commands itself and hands everything else to `cli` here,
so click (about 20 ms of imports) loads only when a command needs it.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker.cli.errors import ABORTED, one_line, user_errors
from tracker.cli.tui import open_app

# name -> "module:attribute"; a command's module is imported only when that command runs.
COMMANDS: dict[str, str] = {
    "log": "tracker.cli.checkin:log",
    "add": "tracker.cli.items:add",
    "edit": "tracker.cli.items:edit",
    "done": "tracker.cli.items:done",
    "delete": "tracker.cli.slips:delete",
    "reopen": "tracker.cli.slips:reopen",
    "backlog": "tracker.cli.backlog:backlog",
    "status": "tracker.cli.status:status",
    "config": "tracker.cli.config:config",
    "selfcheck": "tracker.cli.selfcheck:selfcheck",
    "crisis": "tracker.cli.crisis:crisis",
    "plan": "tracker.cli.plan:plan",
    "block": "tracker.cli.plan:block",
    "trends": "tracker.cli.trends:trends_command",
    "habit": "tracker.cli.habit:habit_command",
    "summary": "tracker.cli.summary:summary",
    "demo": "tracker.cli.demo:demo",
    "remind": "tracker.cli.remind:remind",
    "notify-test": "tracker.cli.remind:notify_test",
    "export": "tracker.cli.data:export",
    "import": "tracker.cli.data:import_",
    "backup": "tracker.cli.data:backup",
    "restore": "tracker.cli.data:restore",
    "calendar": "tracker.cli.calendar:calendar",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use, and prints errors as one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0])
        if name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            from tracker.settings import did_you_mean

            guess = did_you_mean(name, sorted(COMMANDS))
            known = f"did you mean `caughtup {guess}`?" if guess else "see `caughtup --help`"
            raise click.ClickException(f"No such command {name!r}; {known}")
        return super().resolve_command(ctx, args)

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
            with user_errors():
                super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo(ABORTED, err=True)
            sys.exit(130)
        except click.UsageError as exc:
            if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
                # Our option types already name the option, the value and the fix.
                message = one_line(exc.message)
                if exc.param is not None and exc.param.opts:
                    name = exc.param.opts[0]
                    if not message.startswith(("-", name)):
                        message = f"{name}: {message}"
                click.echo(f"caughtup: {message}", err=True)
                sys.exit(2)
            hint = f"; see `{exc.ctx.command_path} --help`" if exc.ctx else ""
            click.echo(f"caughtup: {one_line(exc.format_message())}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"caughtup: {one_line(exc.format_message())}", err=True)
            sys.exit(2)
        sys.exit(0)


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
        open_app(demo=demo)
