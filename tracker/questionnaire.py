"""Questionnaire files: the pydantic schema, and where the files are found.

The built-in self-check ships in the `questionnaires` package; a user adds their own (for an
instrument they are licensed to use) as `<data folder>/questionnaires/NAME.toml` (or `.yaml`).
A file's name without the extension is the questionnaire's name. Only this module imports
pydantic (~150 ms): the status and log paths never load it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import questionnaires
from tracker.errors import FieldError, InputError
from tracker.selfcheck import DEFAULT_THRESHOLD, Question, Questionnaire, Scale
from tracker.validation import said
from tracker.words import plural

BUILTIN_DIR = Path(questionnaires.__file__).parent
USER_DIR_NAME = "questionnaires"
DEFAULT_NAME = "selfcheck"
SUFFIXES = (".toml", ".yaml", ".yml")


class ScaleModel(BaseModel):
    """Whole-number answers from `min` to `max` (one digit each, so a keypress answers)."""

    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=0, le=8)
    max: int = Field(ge=1, le=9)
    labels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ScaleModel:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        wanted = self.max - self.min + 1
        if self.labels and len(self.labels) != wanted:
            raise ValueError(
                f"labels needs one label per value from {self.min} to {self.max} ({wanted}), "
                f"got {len(self.labels)}"
            )
        return self


class ItemModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
    domain: Literal["overload", "burnout", "safety", "context"]
    text: str = Field(min_length=1, max_length=300)
    reverse: bool = False
    scale: ScaleModel | None = None
    alert_at: int | None = Field(default=None, ge=0, le=9)
    """An answer at or above this is a sign that stands out, whatever the domain's mean."""

    @model_validator(mode="after")
    def _safety_not_reversed(self) -> ItemModel:
        if self.domain == "safety" and self.reverse:
            raise ValueError("a safety item cannot be reverse-keyed (reverse = false)")
        if self.alert_at is not None and self.reverse:
            raise ValueError(
                "alert_at needs the strained end at the top of the scale; a reverse-keyed item "
                "cannot carry one"
            )
        return self


class QuestionnaireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=80)
    recall: str = Field(default="", max_length=200)
    intro: str = Field(default="", max_length=600)
    threshold: int = Field(default=DEFAULT_THRESHOLD, ge=1, le=100)
    scale: ScaleModel | None = None
    items: list[ItemModel] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _ids_and_scales(self) -> QuestionnaireModel:
        seen: set[str] = set()
        for n, item in enumerate(self.items):
            if item.id in seen:
                raise ValueError(f"items[{n}]: id {item.id!r} is used twice")
            seen.add(item.id)
            scale = item.scale or self.scale
            if scale is None:
                raise ValueError(
                    f"items[{n}] ({item.id}) has no scale; add a [scale] table for the file "
                    "or a scale to the item"
                )
            if item.alert_at is not None and not scale.min < item.alert_at <= scale.max:
                raise ValueError(
                    f"items[{n}] ({item.id}): alert_at must be {scale.min + 1} to {scale.max} "
                    f"(above the lowest answer, on the scale), got {item.alert_at}"
                )
        return self


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """`items[3] (audit_worry).domain` from pydantic's location tuple."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out or "top level"


def _parse(path: Path) -> Any:
    try:
        raw = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if path.suffix == ".toml":
        try:
            return tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML ({exc})") from None
    import yaml  # PyYAML (~20 ms), only for a user's YAML questionnaire

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None


def load_file(path: Path) -> Questionnaire:
    """A questionnaire from a TOML or YAML file; InputError naming the file and the field."""
    data = _parse(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a table of title, scale and items at the top level")
    try:
        model = QuestionnaireModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]), data)
        message = said(first)
        more = len(exc.errors()) - 1
        tail = f" (and {plural(more, 'more problem')})" if more else ""
        raise InputError(f"{path}: {where}: {message}{tail}") from None
    items = []
    for item in model.items:
        sm = item.scale or model.scale
        assert sm is not None  # checked by the model
        scale = Scale(sm.min, sm.max, tuple(sm.labels))
        items.append(
            Question(item.id, item.domain, item.text.strip(), scale, item.reverse, item.alert_at)
        )
    return Questionnaire(
        name=path.stem,
        title=model.title,
        items=tuple(items),
        recall=model.recall.strip(),
        intro=model.intro.strip(),
        threshold=model.threshold,
        source=str(path),
    )


@dataclass
class Entry:
    """A questionnaire file as listed: loaded, or the reason it could not be."""

    name: str
    path: Path
    builtin: bool
    questionnaire: Questionnaire | None
    error: str | None

    def to_json(self) -> dict[str, Any]:
        q = self.questionnaire
        return {
            "name": self.name,
            "title": q.title if q else None,
            "items": len(q.items) if q else None,
            "builtin": self.builtin,
            "path": str(self.path),
            "error": self.error,
        }


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def user_dir(home: Path) -> Path:
    return home / USER_DIR_NAME


def available(home: Path) -> list[Entry]:
    """Built-in questionnaires first, then the user's; a broken file is listed with its error."""
    entries: list[Entry] = []
    names: dict[str, Path] = {}
    for builtin, folder in ((True, BUILTIN_DIR), (False, user_dir(home))):
        for path in _files(folder):
            error, q = None, None
            if path.stem in names:
                error = (
                    f"{path}: the name {path.stem!r} is taken by {names[path.stem]}; "
                    "rename the file"
                )
            else:
                try:
                    q = load_file(path)
                except InputError as exc:
                    error = str(exc)
                names[path.stem] = path
            entries.append(Entry(path.stem, path, builtin, q, error))
    return entries


def load(name: str, home: Path) -> Questionnaire:
    """The questionnaire called `name`; InputError listing the names there are."""
    entries = available(home)
    for entry in entries:
        if entry.name == name:
            if entry.error is not None:
                raise InputError(entry.error)
            assert entry.questionnaire is not None
            return entry.questionnaire
    names = ", ".join(sorted({e.name for e in entries}))
    raise FieldError(
        "questionnaire",
        f"{name!r} is unknown; choose one of {names}, or add {user_dir(home) / (name + '.toml')}",
    )
