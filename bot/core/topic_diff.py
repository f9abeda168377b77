"""A readable, per-field difference between two versions of a topic, for replies and the mod log.

``diff_topics(before, after)`` compares field by field: scalar fields with their before and after
text, attributes by name (added / removed / changed), and timeline events, background sections,
web results and moderator aliases as lists of items added and removed (an item that moved but did
not change is neither). ``before=None`` is a new topic, ``after=None`` a removed one.
``format_diff`` renders it as Markdown-ish lines, shortened to a character limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Final, TypeVar

from bot.core.discord_limits import MESSAGE_LIMIT
from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.record_format import format_timestamp

T = TypeVar("T", bound=Hashable)

#: Discord's message length: the default limit of ``format_diff``.
#: Longest piece of one value shown in a diff line.
VALUE_PREVIEW: Final = 160
_SCALAR_FIELDS: Final = (
    ("title", "Title"),
    ("description", "Description"),
    ("summary", "Summary"),
    ("first_mentioned", "First mentioned"),
    ("last_updated", "Last updated"),
    ("research_retrieved", "Research retrieved"),
)


@dataclass(frozen=True)
class FieldChange:
    """A scalar field that differs, as display text (``None``: the topic did not exist)."""

    field: str
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AttributeChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class TopicDiff:
    """What changed between two versions of a topic (see the module docstring)."""

    before_title: str | None
    after_title: str | None
    fields: tuple[FieldChange, ...] = ()
    attributes_added: tuple[Attribute, ...] = ()
    attributes_removed: tuple[Attribute, ...] = ()
    attributes_changed: tuple[AttributeChange, ...] = ()
    events_added: tuple[TimelineEvent, ...] = ()
    events_removed: tuple[TimelineEvent, ...] = ()
    background_added: tuple[BackgroundSection, ...] = ()
    background_removed: tuple[BackgroundSection, ...] = ()
    web_results_added: tuple[WebResult, ...] = ()
    web_results_removed: tuple[WebResult, ...] = ()
    aliases_added: tuple[str, ...] = ()
    aliases_removed: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.after_title or self.before_title or ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.fields,
                self.attributes_added,
                self.attributes_removed,
                self.attributes_changed,
                self.events_added,
                self.events_removed,
                self.background_added,
                self.background_removed,
                self.web_results_added,
                self.web_results_removed,
                self.aliases_added,
                self.aliases_removed,
            )
        )

    @property
    def changed_parts(self) -> tuple[str, ...]:
        """Names of the parts that changed, in record order (for one-line summaries)."""
        parts = [change.field for change in self.fields]
        for name, changed in (
            ("attributes", self.attributes_added or self.attributes_removed or self.attributes_changed),
            ("timeline", self.events_added or self.events_removed),
            ("background", self.background_added or self.background_removed),
            ("web_results", self.web_results_added or self.web_results_removed),
            ("aliases", self.aliases_added or self.aliases_removed),
        ):
            if changed:
                parts.append(name)
        return tuple(parts)


def _display(value: object, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return format_timestamp(value, tz)
    return str(value)


def _added_removed(before: Sequence[T], after: Sequence[T]) -> tuple[tuple[T, ...], tuple[T, ...]]:
    """Items of ``after`` not in ``before`` and the reverse, counting repeats, in list order."""
    spare_before = Counter(before)
    added: list[T] = []
    for item in after:
        if spare_before[item] > 0:
            spare_before[item] -= 1
        else:
            added.append(item)
    spare_after = Counter(after)
    removed: list[T] = []
    for item in before:
        if spare_after[item] > 0:
            spare_after[item] -= 1
        else:
            removed.append(item)
    return tuple(added), tuple(removed)


def _attribute_changes(
    before: Sequence[Attribute], after: Sequence[Attribute]
) -> tuple[tuple[Attribute, ...], tuple[Attribute, ...], tuple[AttributeChange, ...]]:
    old = {a.name.casefold(): a for a in before}
    new = {a.name.casefold(): a for a in after}
    added = tuple(a for key, a in new.items() if key not in old)
    removed = tuple(a for key, a in old.items() if key not in new)
    changed = tuple(
        AttributeChange(a.name, old[key].value, a.value)
        for key, a in new.items()
        if key in old and old[key] != a
    )
    return added, removed, changed


def diff_topics(before: Topic | None, after: Topic | None, tz: tzinfo = UTC) -> TopicDiff:
    """The per-field difference from ``before`` to ``after`` (timestamps shown in ``tz``)."""
    fields: list[FieldChange] = []
    for name, label in _SCALAR_FIELDS:
        old = _display(getattr(before, name), tz) if before is not None else None
        new = _display(getattr(after, name), tz) if after is not None else None
        if old != new:
            fields.append(FieldChange(name, label, old, new))
    def parts(topic: Topic | None, name: str) -> tuple[Any, ...]:
        return tuple(getattr(topic, name)) if topic is not None else ()

    attributes_added, attributes_removed, attributes_changed = _attribute_changes(
        parts(before, "attributes"), parts(after, "attributes")
    )
    events_added, events_removed = _added_removed(parts(before, "timeline"), parts(after, "timeline"))
    background_added, background_removed = _added_removed(parts(before, "background"), parts(after, "background"))
    results_added, results_removed = _added_removed(parts(before, "web_results"), parts(after, "web_results"))
    aliases_added, aliases_removed = _added_removed(parts(before, "aliases"), parts(after, "aliases"))
    return TopicDiff(
        before_title=before.title if before is not None else None,
        after_title=after.title if after is not None else None,
        fields=tuple(fields),
        attributes_added=attributes_added,
        attributes_removed=attributes_removed,
        attributes_changed=attributes_changed,
        events_added=events_added,
        events_removed=events_removed,
        background_added=background_added,
        background_removed=background_removed,
        web_results_added=results_added,
        web_results_removed=results_removed,
        aliases_added=aliases_added,
        aliases_removed=aliases_removed,
    )


# --- text ---------------------------------------------------------------------------------------


def _preview(text: str, width: int = VALUE_PREVIEW) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1].rstrip() + "\u2026"


def _quoted_change(before: str, after: str) -> str:
    return f"\u201c{_preview(before)}\u201d \u2192 \u201c{_preview(after)}\u201d"


def _event(event: TimelineEvent) -> str:
    source = f" (source: {event.source})" if event.source else ""
    return f"{event.date.isoformat()}: {_preview(event.text)}{source}"


def _result(result: WebResult) -> str:
    url = f" <{result.url}>" if result.url else ""
    return f"{_preview(result.title)}{url}"


def diff_lines(diff: TopicDiff) -> list[str]:
    """The diff as Markdown-ish lines: ``+`` added, ``-`` removed, ``~`` changed."""
    if diff.before_title is None and diff.after_title is not None:
        header = f"**{diff.after_title}** (new topic)"
    elif diff.after_title is None and diff.before_title is not None:
        header = f"**{diff.before_title}** (removed)"
    else:
        header = f"**{diff.title}**"
    lines = [header]
    if diff.is_empty:
        lines.append("No changes.")
        return lines
    new_or_removed = diff.before_title is None or diff.after_title is None
    for change in diff.fields:
        if new_or_removed and change.field != "title":
            continue
        if change.before is None or change.after is None:
            continue
        lines.append(f"~ {change.label}: {_quoted_change(change.before, change.after)}")
    sections: tuple[tuple[str, list[str]], ...] = (
        ("Attributes", [
            *(f"+ {a.name}: {_preview(a.value)}" for a in diff.attributes_added),
            *(f"~ {c.name}: {_quoted_change(c.before, c.after)}" for c in diff.attributes_changed),
            *(f"- {a.name}: {_preview(a.value)}" for a in diff.attributes_removed),
        ]),
        ("Timeline", [*(f"+ {_event(e)}" for e in diff.events_added),
                      *(f"- {_event(e)}" for e in diff.events_removed)]),
        ("Background", [*(f"+ {_preview(s.heading)}" for s in diff.background_added),
                        *(f"- {_preview(s.heading)}" for s in diff.background_removed)]),
        ("Web results", [*(f"+ {_result(r)}" for r in diff.web_results_added),
                         *(f"- {_result(r)}" for r in diff.web_results_removed)]),
        ("Aliases", [*(f"+ {a}" for a in diff.aliases_added), *(f"- {a}" for a in diff.aliases_removed)]),
    )
    for heading, items in sections:
        if not items:
            continue
        if new_or_removed:
            lines.append(f"{heading}: {len(items)}")
        else:
            lines.append(f"{heading}:")
            lines.extend(items)
    return lines


def format_diff(diff: TopicDiff, limit: int = MESSAGE_LIMIT) -> str:
    """The diff as text of at most ``limit`` characters; cut at a line, saying how many lines were left out."""
    lines = diff_lines(diff)
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        note = f"\u2026 and {len(lines) - i} more lines"
        if used + len(line) + 1 + len(note) > limit:
            kept.append(note)
            break
        kept.append(line)
        used += len(line) + 1
    text = "\n".join(kept)
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"
