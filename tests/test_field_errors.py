"""The core's errors name fields, never options: the command names its options, a screen its labels.

`tracker.errors.FieldError(field, problem)` and an `InputError` that mentions a field as
`{field}` are worded in one place for the command line (`tracker.cli.errors`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import Result

from tests.conftest import digest
from tracker.cli.errors import FLAGS, flag
from tracker.cli.group import COMMANDS, cli
from tracker.errors import FieldError, InputError

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
# An option as the command line spells it, outside a `caughtup ...` example in backticks.
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """The string constants of a module that are not docstrings, with their line."""
    tree = ast.parse(path.read_text())
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def test_no_core_string_names_an_option() -> None:
    core = [p for p in (ROOT / "tracker").rglob("*.py") if "cli" not in p.relative_to(ROOT).parts]
    named = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in core
        for line, text in _strings(path)
        if OPTION.search(re.sub(r"`[^`]*`", "", text))
    ]
    assert len(core) > 30 and not named, named


def test_a_field_error_words_each_field_by_the_reader_s_name() -> None:
    exc = FieldError("written", "5 is more than {sessions} 3", mentions=("sessions",))
    assert str(exc) == "written 5 is more than sessions 3"
    assert exc.words(flag) == "--written 5 is more than --sessions 3"
    assert exc.words(str.upper) == "WRITTEN 5 is more than SESSIONS 3"
    # Only the fields it mentions: a value the user typed is left as typed.
    typed = InputError("got '{days}' and '{map}'", mentions=("map",))
    assert typed.words(flag) == "got '{days}' and '--map'"


def _options(command: click.Command) -> Iterator[str]:
    for param in command.params:
        yield from (o for o in param.opts if o.startswith("--"))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _options(sub)


def test_every_option_the_errors_name_is_a_real_option() -> None:
    ctx = click.Context(cli)
    commands = [cli.get_command(ctx, name) for name in COMMANDS]
    options = {o for command in commands if command for o in _options(command)}
    assert set(FLAGS.values()) <= options
    for field in ("after_hours", "blocks_per_week", "date_format", "from_memory", "map"):
        assert flag(field) in options


@pytest.fixture
def item(run: Run) -> None:
    assert run("add", "--date", "2026-11-20").exit_code == 0


def _refused(run: Run, home: Path, *args: str) -> str:
    before = digest(home)
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert digest(home) == before
    (line,) = result.stderr.splitlines()
    return line


def test_log_names_every_option_its_check_mentions(run: Run, home: Path) -> None:
    assert _refused(run, home, "log", "--sessions", "3", "--written", "5") == (
        "caughtup: --written 5 is more than --sessions 3; same-day notes are for today's "
        "sessions (count older notes with --cleared)"
    )


@pytest.mark.usefixtures("item")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["edit", "1", "--date", "2026-11-30"],
            "--date 2026-11-30 is in the future; notes are owed for sessions already held",
        ),
        (
            ["plan", "--days", "tue", "--blocks-per-week", "2", "--preview"],
            "--blocks-per-week 2 does not match --days tue (1 days); give one of them, "
            "or make them agree",
        ),
        (["plan", "--days", "tue,xyz"], "--days must be weekdays from mon,tue,wed,thu,fri,sat,sun"),
        (["export", "--table", "nope"], "--table must be one of"),
    ],
)
def test_a_core_check_names_the_option(run: Run, home: Path, args: list[str], said: str) -> None:
    assert _refused(run, home, *args).startswith(f"caughtup: {said}")


@pytest.mark.usefixtures("item")
@pytest.mark.parametrize(
    ("name", "content", "extra", "said"),
    [
        ("items.csv", b"id\n1\n", ["--encoding", "nope"], "--encoding 'nope' is not an encoding"),
        ("items.csv", b"client_ref\nAndr\xe9\n", [], "or name its encoding with --encoding"),
        ("other.json", b'{"a": 1}', [], "save it as CSV and map its columns with --map"),
        ("nope.csv", b"a\n1\n", [], "use --table NAME, or --map to import an EHR item list"),
        ("other.json", b"{}", ["--table", "items"], "--table is for a CSV file"),
        (
            "ehr.csv",
            b"Date\n20/11/2026\n",
            ["--map", "date=Date"],
            "must be a date as YYYY-MM-DD (set --date-format to match)",
        ),
    ],
)
def test_an_import_names_the_option_that_helps(
    run: Run, home: Path, tmp_path: Path, name: str, content: bytes, extra: list[str], said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert said in _refused(run, home, "import", str(path), *extra)


@pytest.mark.usefixtures("item")
def test_an_import_that_would_change_a_row_names_replace(
    run: Run, home: Path, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    assert run("export", "--out", str(export)).exit_code == 0
    assert run("edit", "1", "--client", "C9").exit_code == 0
    assert "or use --replace to replace everything" in _refused(run, home, "import", str(export))
