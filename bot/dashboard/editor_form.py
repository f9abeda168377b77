"""The full topic editor's form: rows for the template, and what a submitted form asks for.

Repeated parts (attributes, timeline events, background sections, web results) are numbered rows
``attribute-0-name``, ``attribute-0-value``, ...; a row left blank, or ticked "remove", is dropped.
Aliases are one per line. The form's values are checked by ``bot.core.editing.set_fields``, the
same checks as the Discord commands; this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from starlette.datastructures import FormData

from bot.core.editing import TopicFields
from bot.core.errors import EditError
from bot.core.model import Topic

#: Blank rows offered for adding parts, per kind.
BLANK_ROWS: Final = 2
#: At most this many rows of one kind are read from a form.
MAX_ROWS: Final = 2000

#: Each repeated part: its row prefix and its columns.
PARTS: Final = {
    "attribute": ("name", "value"),
    "event": ("date", "text", "source"),
    "section": ("heading", "paragraph"),
    "result": ("title", "url", "snippet"),
}


@dataclass
class EditorValues:
    """What the editor shows: the scalar fields, the rows of each part and the aliases' text."""

    title: str
    description: str
    summary: str
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    aliases: str = ""


def _with_blanks(rows: list[dict[str, str]], part: str) -> list[dict[str, str]]:
    blank = dict.fromkeys(PARTS[part], "")
    return [*rows, *(dict(blank) for _ in range(BLANK_ROWS))]


def values_of(topic: Topic) -> EditorValues:
    """The editor pre-filled with a stored topic."""
    rows = {
        "attribute": [{"name": a.name, "value": a.value} for a in topic.attributes],
        "event": [{"date": e.date.isoformat(), "text": e.text, "source": e.source or ""} for e in topic.timeline],
        "section": [{"heading": s.heading, "paragraph": s.paragraph} for s in topic.background],
        "result": [{"title": r.title, "url": r.url or "", "snippet": r.snippet} for r in topic.web_results],
    }
    return EditorValues(topic.title, topic.description, topic.summary,
                        {part: _with_blanks(items, part) for part, items in rows.items()}, "\n".join(topic.aliases))


def blank_values() -> EditorValues:
    return EditorValues("", "", "", {part: _with_blanks([], part) for part in PARTS})


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def _rows(form: FormData, part: str) -> list[dict[str, str]]:
    """The kept rows of one part, in form order (blank and removed rows dropped)."""
    columns = PARTS[part]
    rows: list[dict[str, str]] = []
    for i in range(MAX_ROWS):
        if f"{part}-{i}-{columns[0]}" not in form:
            break
        row = {column: _text(form, f"{part}-{i}-{column}") for column in columns}
        if form.get(f"{part}-{i}-remove") or not any(v.strip() for v in row.values()):
            continue
        rows.append(row)
    return rows


def submitted_values(form: FormData) -> EditorValues:
    """The form as submitted, to show again after a refusal (with blank rows to add more)."""
    return EditorValues(_text(form, "title"), _text(form, "description"), _text(form, "summary"),
                        {part: _with_blanks(_rows(form, part), part) for part in PARTS}, _text(form, "aliases"))


def _day(text: str, number: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise EditError(f"Timeline event {number}: write the date as YYYY-MM-DD (got {text.strip()!r})") from None


def fields_of(form: FormData) -> TopicFields:
    """What the submitted editor asks the topic to become (checked later by ``set_fields``)."""
    events = _rows(form, "event")
    return TopicFields(
        title=_text(form, "title"),
        description=_text(form, "description"),
        summary=_text(form, "summary"),
        attributes=tuple((r["name"], r["value"]) for r in _rows(form, "attribute")),
        timeline=tuple((_day(r["date"], n), r["text"], r["source"] or None) for n, r in enumerate(events, start=1)),
        background=tuple((r["heading"], r["paragraph"]) for r in _rows(form, "section")),
        web_results=tuple((r["title"], r["snippet"], r["url"] or None) for r in _rows(form, "result")),
        aliases=tuple(line for line in _text(form, "aliases").splitlines() if line.strip()),
    )


@dataclass(frozen=True)
class Conflict:
    """A part of the topic both the other moderator and this one changed: both versions, to choose from."""

    part: str
    theirs: str
    yours: str


def merged_values(base: Topic, theirs: Topic, form: FormData) -> tuple[EditorValues, list[Conflict]]:
    """A three-way merge after a refused save: each part (title, description, summary, aliases, and each
    kind of rows) comes from whoever changed it since ``base``; where both did, the form keeps this
    moderator's text and the part is returned as a ``Conflict`` showing both."""
    old, current, mine = values_of(base), values_of(theirs), submitted_values(form)
    conflicts: list[Conflict] = []
    merged = EditorValues("", "", "", {}, "")
    for name in ("title", "description", "summary", "aliases"):
        was, now, typed = getattr(old, name), getattr(current, name), getattr(mine, name)
        setattr(merged, name, _pick(name, was, now, typed, conflicts))
    for part in PARTS:
        was, now, typed = (_kept(v.rows[part]) for v in (old, current, mine))
        chosen = _pick(part, was, now, typed, conflicts, shown=lambda rows: "; ".join(" | ".join(r.values())
                                                                                      for r in rows))
        merged.rows[part] = _with_blanks(chosen, part)
    return merged, conflicts


def _kept(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if any(v.strip() for v in r.values())]


def _pick(part: str, was: Any, now: Any, typed: Any, conflicts: list[Conflict],  # noqa: ANN401
          shown: Any = str) -> Any:  # noqa: ANN401 - text or rows
    if typed == was:
        return now  # only the other moderator changed it (or nobody did)
    if now in (was, typed):
        return typed  # only this moderator changed it, or both alike
    conflicts.append(Conflict(part, shown(now), shown(typed)))
    return typed
