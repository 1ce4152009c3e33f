"""The settings text as `status` reads it: caughtup's own shape without tomllib, read exactly as
tomllib reads it, and anything else left to tomllib."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tracker import settings
from tracker.settings import _written_tables

# Any text: escapes, quotes, brackets, " = ", '#', non-ASCII and characters splitlines breaks at.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
SCALARS = st.one_of(TEXT, st.integers(), st.booleans())
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4), st.lists(TEXT, max_size=3))
SECTION = st.from_regex(r"[a-z_]{1,10}", fullmatch=True)  # as caughtup names its tables
TABLES = st.dictionaries(
    NAMES,
    st.one_of(VALUES, st.dictionaries(NAMES, VALUES)),
    max_size=4,
) | st.dictionaries(
    SECTION,
    st.dictionaries(NAMES, st.one_of(VALUES, st.dictionaries(SECTION, VALUES))),
    max_size=4,
)


@given(TABLES)
def test_caughtups_own_shape_is_read_as_tomllib_reads_it(tables: dict[str, Any]) -> None:
    text = tomli_w.dumps(tables)
    found = _written_tables(text)
    assert tomllib.loads(text) == tables
    assert found == tables or (found is None and any(isinstance(v, dict) for v in tables.values()))


@given(st.dictionaries(SECTION, st.dictionaries(NAMES, VALUES), max_size=4))
def test_tables_named_as_caughtup_names_them_are_read_without_tomllib(
    tables: dict[str, Any],
) -> None:
    assert _written_tables(tomli_w.dumps(tables)) == tables


@given(TABLES, st.integers(0, 2**16), st.sampled_from(["#", "'", " ", "\t", "\r\n", "[", "]", '"']))
def test_a_text_in_another_shape_is_read_alike_or_left_to_tomllib(
    tables: dict[str, Any], where: int, insert: str
) -> None:
    text = tomli_w.dumps(tables)
    at = where % (len(text) + 1)
    edited = text[:at] + insert + text[at:]
    try:
        expected = tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        return  # never passes the checks, so never read this way
    found = _written_tables(edited)
    assert found is None or found == expected


def test_a_hand_written_file_is_left_to_tomllib() -> None:
    for text in (
        "# mine\nlocale = 'GB'\n",
        "locale = 'GB'\n",
        "threshold=5\n",
        "[rules]\nthreshold = 5 # five\n",
        "[ rules ]\nthreshold = 5\n",
        "rules.threshold = 5\n",
        'note = """two\nlines"""\n',
        "[rules]\nnote_types = [\n    'a',\n]\n",
        "x = 0x10\n",
        "x = 1_000\n",
        "x = +5\n",
        "x = 2026-11-22\n",
        "x = { a = 1 }\n",
    ):
        assert _written_tables(text) is None, text


def test_settings_as_caughtup_writes_them_are_read_without_tomllib(tmp_path: Path) -> None:
    odd = settings.with_values(
        settings.DEFAULTS,
        {
            "notify.urls": 'json://127.0.0.1:9/a?b=[1]#"x",ntfy://t',
            "rules.note_types": "progress,my type,ça = va",
            "rules.late_entry_reason": 'said "late" \\ [sic]',
            "sprint.minutes_per_type": "progress=9,my type=12",
        },
    )
    for value in (settings.DEFAULTS, odd):
        settings.save(tmp_path, value)
        text = (tmp_path / "settings.toml").read_text()
        assert _written_tables(text) == tomllib.loads(text)
        assert settings.from_tables(tomllib.loads(text)) == value == settings.load(tmp_path)
