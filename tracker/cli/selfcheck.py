"""`caughtup selfcheck`: the self-check in the terminal, from a file of answers, or as a list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tracker import crisis, files, report
from tracker.cli.options import emit_json, json_option, output_path, workspace
from tracker.errors import InputError
from tracker.pdf import paper_for
from tracker.selfcheck import (
    Questionnaire,
    bar,
    check_answers,
    evaluate,
)
from tracker.selfcheck_context import gather


@click.command()
@click.option("--list", "list_only", is_flag=True, help="List the questionnaires you can use.")
@click.option(
    "--questionnaire",
    "name",
    default="selfcheck",
    show_default=True,
    help="Which questionnaire (built-in, or a file in <data folder>/questionnaires/).",
)
@click.option("--items", "items_only", is_flag=True, help="List the items and their scales.")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A JSON file mapping each item id to a value; scores it without asking.",
)
@click.option(
    "--pdf", "pdf_file", type=click.Path(path_type=Path), help="Also print a one-page PDF here."
)
@click.option(
    "--md", "md_file", type=click.Path(path_type=Path), help="Also write the summary as Markdown."
)
@click.option(
    "--private/--full",
    default=None,
    help="Print (--pdf, --md) without the safety answers and anything that follows from them; "
    "the setting private_print is the default.",
)
@click.option("--no-save", is_flag=True, help="Score without keeping the result.")
@json_option
def selfcheck(
    list_only: bool,
    name: str,
    items_only: bool,
    answers_file: Path | None,
    pdf_file: Path | None,
    md_file: Path | None,
    private: bool | None,
    no_save: bool,
    as_json: bool,
) -> None:
    """A short self-check: documentation overload or broader burnout signs, and support that fits.

    Without --answers it asks the questions here (about the last two weeks). The result is a
    self-report of signs, never a diagnosis; it is kept so later self-checks can be compared.
    """
    from tracker import questionnaire  # pydantic (~150 ms): never on the status or log path

    ws = workspace()
    if list_only:
        _list(questionnaire.available(ws.home), as_json)
        return
    q = questionnaire.load(name, ws.home)
    if items_only:
        _items(q, as_json)
        return
    for flag, path in (("--pdf", pdf_file), ("--md", md_file)):
        if path is not None:
            output_path(flag, path, ws)
    if answers_file is not None:
        answers = _read_answers(answers_file)
    else:
        if as_json:
            raise InputError("--json needs --answers FILE (or --items or --list)")
        answers = _ask(q)
    check_answers(q, answers)  # before the store opens: a rejected command changes nothing
    now = ws.now()
    result = evaluate(q, answers, now.date(), gather(ws.store, ws.settings, now))
    if not no_save:
        result.id = ws.store.add_selfcheck(
            taken_on=result.taken_on,
            taken_at=now,
            questionnaire=q.name,
            answers=result.answers,
            scores=result.scores,
            profile=result.profile,
            safety_flag=result.safety_flag,
        )
    resources = crisis.resources(ws.settings.locale, ws.home)
    history = ws.store.selfchecks(limit=report.TREND_ROWS + 1)
    summary = report.build(result, q, resources, history)
    printed = report.build(
        result,
        q,
        resources,
        history,
        private=ws.settings.private_print if private is None else private,
    )
    written = []
    if pdf_file is not None:
        paper = paper_for(ws)
        written.append(report.write_pdf(pdf_file, printed, ws.home, now, paper))
    if md_file is not None:
        written.append(report.write_markdown(md_file, printed, ws.home))
    if as_json:
        emit_json(
            {
                "profile": result.profile,
                "scores": result.scores,
                "safety_flag": result.safety_flag,
                "signs": result.signs,
                "suggestions": result.suggestions,
                "crisis_resources": resources.to_json(),
                "next_due": result.next_due.isoformat() if result.next_due else None,
            }
        )
        return
    _show(summary)
    for path in written:
        click.echo(f"Saved {path} (only you can read it).")


def _list(entries: list[Any], as_json: bool) -> None:
    if as_json:
        emit_json({"questionnaires": [e.to_json() for e in entries]})
        return
    for e in entries:
        where = "built-in" if e.builtin else str(e.path)
        if e.questionnaire is not None:
            click.echo(
                f"{e.name:<16} {e.questionnaire.title} ({len(e.questionnaire.items)} items, {where})"
            )
        else:
            click.echo(f"{e.name:<16} cannot be used: {e.error}")


def _items(q: Questionnaire, as_json: bool) -> None:
    rows = [
        {
            "id": i.id,
            "domain": i.domain,
            "min": i.scale.min,
            "max": i.scale.max,
            "alert_at": i.alert_at,
            "text": i.text,
        }
        for i in q.items
    ]
    if as_json:
        emit_json({"questionnaire": q.name, "recall": q.recall, "items": rows})
        return
    click.echo(f"{q.title}: {q.recall}")
    for row in rows:
        sign = f"  (a sign at {row['alert_at']}+)" if row["alert_at"] is not None else ""
        click.echo(
            f"{row['id']:<22} {row['domain']:<9} {row['min']}-{row['max']}  {row['text']}{sign}"
        )


def _read_answers(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(files.read_input(path).decode("utf-8"))
    except InputError as exc:
        raise InputError(f"--answers {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"--answers {path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"--answers {path}: not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except (ValueError, RecursionError):  # a number of more than 4,300 digits; deep nesting
        raise InputError(
            f'--answers {path} must be a JSON object of item id to value, like {{"notes_dread": 2}}'
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f'--answers {path} must be a JSON object of item id to value, like {{"notes_dread": 2}}'
        )
    return data


def _ask(q: Questionnaire) -> dict[str, int]:
    """Ask each item in turn; `b` goes back one item."""
    click.echo(click.style(q.title, bold=True))
    if q.intro:
        click.echo(q.intro)
    click.echo("Type the number that fits; b goes back one; Ctrl+C stops without saving.\n")
    answers: dict[str, int] = {}
    n = 0
    while n < len(q.items):
        item = q.items[n]
        scale = item.scale
        click.echo(f"{n + 1}/{len(q.items)}  {q.recall}")
        click.echo(click.style(f"  {item.text}", bold=True))
        click.echo(
            "  " + "   ".join(f"{v} {scale.label(v)}" for v in range(scale.min, scale.max + 1))
        )
        default = str(answers[item.id]) if item.id in answers else None
        raw = click.prompt("  Your answer", default=default, show_default=default is not None)
        raw = raw.strip().lower()
        if raw == "b":
            n = max(0, n - 1)
            click.echo("")
            continue
        if not raw.isdigit() or not scale.min <= int(raw) <= scale.max:
            click.echo(f"  Please type a number from {scale.min} to {scale.max} (or b to go back).")
            continue
        answers[item.id] = int(raw)
        n += 1
        click.echo("")
    return answers


def _show(summary: report.Summary) -> None:
    if summary.safety_flag:
        click.echo(click.style("Support, first", bold=True))
        click.echo(click.style(summary.safety_headline, bold=True))
        click.echo(summary.safety_words)
        for line in summary.crisis:
            click.echo(click.style(f"  {line}", bold=True))
        click.echo("")
    click.echo(click.style(f"Self-check, {summary.date_text}", bold=True))
    click.echo(f"Profile: {summary.profile_label}")
    click.echo(f"  {summary.profile_words}\n")
    width = max(len(label) for label, _ in summary.scores)
    for label, value in summary.scores:
        click.echo(f"  {label:<{width}}  {value:>3}/100  {bar(value)}")
    if summary.signs:
        click.echo("\nSigns that stand out")
        for line in summary.signs:
            click.echo(f"  - {line}")
    if summary.context:
        click.echo("\nFrom your tracker")
        for line in summary.context:
            click.echo(f"  - {line}")
    click.echo("\nSuggestions")
    for line in summary.suggestions:
        click.echo(f"  - {line}")
    if summary.next_due:
        click.echo(f"\n{summary.next_due}")
    click.echo(f"\n{summary.disclaimer}")
    if len(summary.trend) and not summary.trend[0].startswith("This is the first"):
        click.echo(f"Last time: {summary.trend[0]}")
    click.echo(summary.quiet_line)
