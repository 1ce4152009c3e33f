"""`caughtup selfcheck` as a user runs it: items, answers, files of their own, PDF and Markdown."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from tests.conftest import digest
from tests.test_selfcheck import BUILTIN, answers
from tracker.cli.group import cli
from tracker.store import Store
from tracker.workspace import Workspace


def answer_file(tmp_path: Path, data: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_items_json_follows_the_design(run_json: Callable[..., Any]) -> None:
    out = run_json("selfcheck", "--items")
    rows = out["items"]
    assert 12 <= len(rows) <= 18
    assert all(set(row) == {"id", "domain", "min", "max", "alert_at", "text"} for row in rows)
    alerts = {row["id"]: row["alert_at"] for row in rows if row["alert_at"] is not None}
    assert alerts == {"rest_no_fix": 3, "body_changes": 3, "numb_in_session": 3, "ineffective": 3}
    assert rows[0]["alert_at"] is None
    assert {row["domain"] for row in rows} == {"overload", "burnout", "safety", "context"}
    assert all(row["min"] == 0 and row["max"] == 4 for row in rows)
    assert [row["id"] for row in rows] == [i.id for i in BUILTIN.items]


def test_answers_json_is_exactly_the_design(
    run: Callable[..., Result], run_json: Callable[..., Any], tmp_path: Path, home: Path
) -> None:
    run("config", "locale", "US")
    out = run_json("selfcheck", "--answers", answer_file(tmp_path, answers(overload=4, burnout=3)))
    assert set(out) == {"profile", "scores", "safety_flag", "signs", "suggestions",
                        "crisis_resources", "next_due"}  # fmt: skip
    assert out["signs"] == ["numb_in_session", "ineffective", "rest_no_fix", "body_changes"]
    assert out["next_due"] == "2026-12-20"
    assert out["profile"] == "both"
    assert out["scores"] == {"overload": 100, "burnout": 75, "safety": 0, "context": 0}
    assert out["safety_flag"] is False
    assert any("supervision" in s for s in out["suggestions"])
    assert out["crisis_resources"][0]["contact"] == "call or text 988"
    with Store.open(home, Workspace(home).tz) as store:
        kept = store.selfchecks()
        assert len(kept) == 1 and kept[0]["profile"] == "both"
        assert kept[0]["answers"]["notes_dread"] == 4
        assert store.last_selfcheck_date() == date(2026, 11, 22)


def test_no_save_keeps_nothing(run_json: Callable[..., Any], tmp_path: Path, home: Path) -> None:
    run_json("selfcheck", "--no-save", "--answers", answer_file(tmp_path, answers()))
    with Store.open(home, Workspace(home).tz) as store:
        assert store.last_selfcheck_date() is None


def test_crisis_resources_follow_the_locale(
    run: Callable[..., Result], run_json: Callable[..., Any], tmp_path: Path
) -> None:
    run("config", "locale", "UK")
    out = run_json("selfcheck", "--answers", answer_file(tmp_path, answers(safety=2)))
    assert out["safety_flag"] is True
    assert out["crisis_resources"][0] == {
        "name": "Samaritans",
        "contact": "call 116 123",
        "hours": "24/7, free",
    }
    assert out["crisis_resources"][-1]["contact"] == "call 999"


def test_terminal_result_puts_crisis_first_when_flagged(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("config", "locale", "US")
    flagged = run("selfcheck", "--answers", answer_file(tmp_path, answers(overload=3, safety=1)))
    text = flagged.stdout
    assert flagged.exit_code == 0
    assert text.index("Support, first") < text.index("988") < text.index("Profile:")
    assert text.index("988") < text.index("/100")
    calm = run("selfcheck", "--answers", answer_file(tmp_path, answers(), "calm.json")).stdout
    assert "Support, first" not in calm
    assert calm.strip().splitlines()[-1].startswith("If things feel unsafe: 988")
    assert "Last time: 22 Nov 2026: documentation overload" in calm


BAD = [
    ({k: v for k, v in answers().items() if k != "cynical"}, "missing answer for 'cynical'"),
    ({**answers(), "cynical": 9}, "answer for 'cynical' must be 0 to 4, got 9"),
    ({**answers(), "cynical": "often"}, "answer for 'cynical' must be a whole number"),
    ({**answers(), "bogus": 1}, "answer for unknown item 'bogus'"),
    ([1, 2, 3], "must be a JSON object of item id to value"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_answers_exit_2_with_one_line_and_change_nothing(
    run: Callable[..., Result], tmp_path: Path, home: Path, data: Any, message: str
) -> None:
    run("log", "--sessions", "2", "--written", "1")
    before = digest(home)
    pdf = tmp_path / "out.pdf"
    result = run("selfcheck", "--answers", answer_file(tmp_path, data), "--pdf", str(pdf), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("caughtup: ") and message in lines[0]
    assert digest(home) == before and not pdf.exists()


def test_bad_answers_in_an_empty_home_create_nothing(
    run: Callable[..., Result], tmp_path: Path, home: Path
) -> None:
    result = run("selfcheck", "--answers", answer_file(tmp_path, {}), "--json")
    assert result.exit_code == 2 and not home.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answers", "/nonexistent/a.json"], "--answers /nonexistent/a.json does not exist"),
        (["--pdf", "/nonexistent/dir/s.pdf"], "the folder /nonexistent/dir does not exist"),
        (["--questionnaire", "nope"], "--questionnaire 'nope' is unknown; choose one of selfcheck"),
        (["--json"], "--json needs --answers FILE"),
    ],
)
def test_bad_options(
    run: Callable[..., Result], tmp_path: Path, args: list[str], message: str
) -> None:
    if "--answers" not in args and "--json" not in args:
        args = [*args, "--answers", answer_file(tmp_path, answers())]
    result = run("selfcheck", *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_not_json(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("{notes_dread: 1")
    result = run("selfcheck", "--answers", str(path))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_terminal_prompts_with_going_back(home: Path) -> None:
    values = [answers(burnout=4)[item.id] for item in BUILTIN.items]
    # Answer the first item, go back, change it, then a wrong entry that is asked again.
    keys = ["1", "b", str(values[0]), "7", *map(str, values[1:])]
    result = CliRunner().invoke(cli, ["selfcheck"], input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert "1/18  Over the last 2 weeks" in result.stdout
    assert "Please type a number from 0 to 4" in result.stdout
    assert "Profile: broader burnout signs" in result.stdout
    with Store.open(home, Workspace(home).tz) as store:
        assert store.selfchecks()[0]["answers"]["notes_dread"] == values[0]


def test_pdf_and_markdown_unflagged(run: Callable[..., Result], tmp_path: Path) -> None:
    run("config", "locale", "US")
    run("add", "--date", "2026-11-20", "--client", "ZQ9")
    pdf, md = tmp_path / "s.pdf", tmp_path / "s.md"
    result = run(
        "selfcheck", "--answers", answer_file(tmp_path, answers(overload=4)), "--pdf", str(pdf),
        "--md", str(md),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(pdf)
    assert pages == 1
    assert "22 November 2026" in text
    assert "Profile: documentation overload" in text
    assert "Support, first" not in text
    assert "not a diagnosis" in text
    assert "If things feel unsafe: 988" in text  # the quiet line
    assert "ZQ9" not in text
    assert (pdf.stat().st_mode & 0o777) == 0o600 and (md.stat().st_mode & 0o777) == 0o600
    markdown = md.read_text()
    assert markdown.startswith("# caughtup self-check, 22 November 2026")
    assert "`documentation_overload`" in markdown and "ZQ9" not in markdown
    assert (
        "| Thinking about the notes I still owed gave me a sinking feeling. | Nearly every day (4) |"
        in markdown
    )


def test_pdf_flagged_worst_case_fits_one_page_with_crisis_first(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("config", "locale", "US")
    for day in range(8, 22):
        run("log", "--date", f"2026-11-{day:02d}", "--sessions", "6", "--written", "2",
            "--after-hours", "180", "--dread", "4")  # fmt: skip
    for n in range(7):
        run("selfcheck", "--answers", answer_file(tmp_path, answers(overload=n % 5), f"{n}.json"))
    pdf = tmp_path / "flagged.pdf"
    result = run(
        "selfcheck", "--answers", answer_file(tmp_path, answers(overload=4, burnout=4, safety=4,
        context=4)), "--pdf", str(pdf), "--md", str(tmp_path / "f.md"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(pdf)
    assert pages == 1
    assert "22 November 2026" in text
    assert "Profile: documentation overload and broader burnout signs" in text
    assert "988 Suicide & Crisis Lifeline: call or text 988" in text
    assert text.index("Support, first") < text.index("988") < text.index("Profile:")
    assert "Earlier self-checks" in text and text.count("22 Nov 2026:") == 6
    md = (tmp_path / "f.md").read_text()
    assert md.index("## Support, first") < md.index("## Profile")


def _write(home: Path, name: str, body: str) -> Path:
    folder = home / "questionnaires"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body)
    return path


MINE = """
title = "My licensed scale"
recall = "In the past fortnight"
[scale]
min = 1
max = 5
[[items]]
id = "one"
domain = "overload"
text = "One"
[[items]]
id = "two"
domain = "burnout"
text = "Two"
reverse = true
"""


def test_a_users_own_questionnaire_is_listed_and_used(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    _write(home, "mine.toml", MINE)
    _write(
        home,
        "yam.yaml",
        "title: Yam\nscale: {min: 0, max: 2}\nitems:\n  - {id: a, domain: safety, text: A}\n",
    )
    listed = {q["name"]: q for q in run_json("selfcheck", "--list")["questionnaires"]}
    assert listed["selfcheck"]["builtin"] is True and listed["selfcheck"]["items"] == 18
    assert listed["mine"] == {
        "name": "mine",
        "title": "My licensed scale",
        "items": 2,
        "builtin": False,
        "path": str(home / "questionnaires" / "mine.toml"),
        "error": None,
    }
    assert listed["yam"]["items"] == 1
    items = run_json("selfcheck", "--questionnaire", "mine", "--items")["items"]
    assert [(i["id"], i["min"], i["max"]) for i in items] == [("one", 1, 5), ("two", 1, 5)]
    out = run_json("selfcheck", "--questionnaire", "mine", "--answers",
                   answer_file(tmp_path, {"one": 5, "two": 1}))  # fmt: skip
    assert out["profile"] == "both" and out["scores"] == {"overload": 100, "burnout": 100}
    assert "mine.toml" in run("selfcheck", "--list").stdout


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (MINE.replace('domain = "burnout"', 'domain = "mood"'),
         "items[1] (two).domain: Input should be 'overload', 'burnout', 'safety' or 'context'"),
        (MINE.replace('id = "two"', 'id = "one"'), "items[1]: id 'one' is used twice"),
        (MINE.replace("max = 5", "max = 1"), "scale: max (1) must be greater than min (1)"),
        (MINE.replace("[scale]", "[scale]\nlabels = ['a', 'b']"),
         "scale: labels needs one label per value from 1 to 5 (5), got 2"),
        (MINE.replace('title = "My licensed scale"', ""), "title: Field required"),
        (MINE.replace('domain = "burnout"', 'domain = "safety"'),
         "items[1] (two): a safety item cannot be reverse-keyed"),
        (MINE.replace('text = "One"', 'text = "One"\ncolour = "red"'),
         "items[0] (one).colour: Extra inputs are not permitted"),
        ("title = [", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_broken_file_names_the_file_and_the_field(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, body: str, message: str
) -> None:
    path = _write(home, "mine.toml", body)
    result = run("selfcheck", "--questionnaire", "mine", "--items")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"caughtup: {path}: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    listed = {q["name"]: q for q in run_json("selfcheck", "--list")["questionnaires"]}
    assert message in listed["mine"]["error"] and listed["selfcheck"]["error"] is None


def test_a_user_file_cannot_take_a_builtin_name(run_json: Callable[..., Any], home: Path) -> None:
    _write(home, "selfcheck.toml", MINE)
    listed = run_json("selfcheck", "--list")["questionnaires"]
    assert [q["builtin"] for q in listed] == [True, False]
    assert "is taken by" in listed[1]["error"]
    assert len(run_json("selfcheck", "--items")["items"]) == 18


# -- issue 16: a safety answer, strong signs, and a print that over-shares nothing -------------


def test_a_safety_only_answer_in_the_terminal(run: Callable[..., Result], tmp_path: Path) -> None:
    run("config", "locale", "IE")
    chosen = {**answers(), "end_life_thoughts": 1}
    result = run("selfcheck", "--answers", answer_file(tmp_path, chosen))
    text = result.stdout
    assert text.index("Support, first") < text.index("116 123") < text.index("Profile:")
    assert "You said that in the last two weeks you had thoughts of ending your life." in text
    assert "neither stands out" not in text and "four weeks" not in text
    assert "Talk to someone today" in text and "employee-assistance programme" in text
    assert "Next self-check: in 7 days, on Sun 29 Nov 2026." in text
    assert text.strip().splitlines()[-1].startswith("If things feel unsafe: Samaritans")


def test_two_strong_signs_are_shown_and_bring_support(
    run: Callable[..., Result], run_json: Callable[..., Any], tmp_path: Path
) -> None:
    chosen = {**answers(), "rest_no_fix": 4, "body_changes": 4}
    out = run_json("selfcheck", "--answers", answer_file(tmp_path, chosen), "--no-save")
    assert out["profile"] == "neither" and out["signs"] == ["rest_no_fix", "body_changes"]
    assert any("supervision" in s for s in out["suggestions"])
    md = tmp_path / "s.md"
    text = run("selfcheck", "--answers", answer_file(tmp_path, chosen), "--md", str(md)).stdout
    assert "Signs that stand out" in text and "did not fix" in text.split("Signs")[1]
    assert "## Signs that stand out" in md.read_text()


def _printed(run: Callable[..., Result], tmp_path: Path, chosen: dict[str, int], name: str,
             *flags: str) -> tuple[str, str]:  # fmt: skip
    pdf, md = tmp_path / f"{name}.pdf", tmp_path / f"{name}.md"
    result = run("selfcheck", "--answers", answer_file(tmp_path, chosen, f"{name}.json"),
                 "--no-save", "--pdf", str(pdf), "--md", str(md), *flags)  # fmt: skip
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(pdf)
    assert pages == 1
    return text, md.read_text()


def test_private_print_leaves_out_the_safety_answers_and_the_flag(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("config", "locale", "GB")
    flagged = {**answers(overload=3), "self_harm_thoughts": 2}
    full_pdf, full_md = _printed(run, tmp_path, flagged, "full")
    assert "Support, first" in full_pdf and "harming myself" in full_pdf
    private_pdf, private_md = _printed(run, tmp_path, flagged, "private", "--private")
    for text in (private_pdf, private_md):
        for hidden in ("Support, first", "harming", "ending my life", "better off without",
                       "7 days", "Next self-check", "therapist, your doctor"):  # fmt: skip
            assert hidden not in text, hidden
        assert "Printed privately: answers about safety are not included." in " ".join(text.split())
    # Flagged or not, a private print reads the same: its content reveals nothing.
    calm_pdf, calm_md = _printed(run, tmp_path, answers(overload=3), "calm", "--private")
    assert private_pdf == calm_pdf and private_md == calm_md
    # Every summary ends with the quiet crisis line, private or not, flagged or not.
    quiet = "If things feel unsafe: Samaritans, call 116 123; emergency 999 (United Kingdom)."
    for text in (full_md, private_md, calm_md):
        assert text.strip().splitlines()[-1] == quiet
    for text in (full_pdf, private_pdf, calm_pdf):
        assert " ".join(text.split()).endswith(quiet)


def test_the_private_print_setting_is_the_default(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    flagged = {**answers(), "better_off_without_me": 1}
    assert run("config", "private_print", "true").exit_code == 0
    text, _ = _printed(run, tmp_path, flagged, "default")
    assert "Support, first" not in text and "better off without" not in text
    text, _ = _printed(run, tmp_path, flagged, "full", "--full")
    assert "Support, first" in text and "better off without" in text


def test_pdf_page_size_follows_the_country_and_the_setting(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    answers_path = answer_file(tmp_path, answers(overload=4))

    def box(country: str, size: str = "auto") -> tuple[int, int]:
        assert run("config", "locale", country).exit_code == 0
        assert run("config", "page_size", size).exit_code == 0
        pdf = tmp_path / f"{country}-{size}.pdf"
        assert run("selfcheck", "--answers", answers_path, "--pdf", str(pdf)).exit_code == 0
        (page,) = PdfReader(pdf).pages
        return round(float(page.mediabox.width)), round(float(page.mediabox.height))

    letter, a4 = (612, 792), (595, 842)
    assert box("US") == letter and box("CA") == letter
    assert box("GB") == a4 and box("other") == a4
    assert box("US", "a4") == a4 and box("DE", "letter") == letter
    assert run("config", "page_size", "legal").exit_code == 2
