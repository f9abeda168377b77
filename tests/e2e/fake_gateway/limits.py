"""Discord's size limits on what a bot sends; the fake answers 400 (code 50035) when one is broken."""

from __future__ import annotations

from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_ITEMS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
CHOICES_MAX = 25
CHOICE_TEXT_MAX = 100


def _embed_problems(index: int, embed: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    total = 0

    def check(name: str, value: object, limit: int) -> None:
        nonlocal total
        if value is None:
            return
        text = str(value)
        total += len(text)
        if len(text) > limit:
            problems.append(f"embeds[{index}].{name}: {len(text)} > {limit} characters")

    check("title", embed.get("title"), EMBED_TITLE_MAX)
    check("description", embed.get("description"), EMBED_DESCRIPTION_MAX)
    check("footer.text", (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX)
    check("author.name", (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS_MAX:
        problems.append(f"embeds[{index}].fields: {len(fields)} > {EMBED_FIELDS_MAX}")
    for n, field in enumerate(fields):
        check(f"fields[{n}].name", field.get("name"), EMBED_FIELD_NAME_MAX)
        check(f"fields[{n}].value", field.get("value"), EMBED_FIELD_VALUE_MAX)
        if not str(field.get("name") or "").strip() or not str(field.get("value") or "").strip():
            problems.append(f"embeds[{index}].fields[{n}]: name and value must be non-empty")
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embeds[{index}]: {total} > {EMBED_TOTAL_MAX} characters in total")
    return problems


def _component_problems(components: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(components) > ACTION_ROWS_MAX:
        problems.append(f"components: {len(components)} rows > {ACTION_ROWS_MAX}")
    seen_ids: set[str] = set()
    for r, row in enumerate(components):
        if row.get("type") != 1:
            continue
        items = row.get("components") or []
        if len(items) > ROW_ITEMS_MAX:
            problems.append(f"components[{r}]: {len(items)} items > {ROW_ITEMS_MAX}")
        for i, item in enumerate(items):
            custom_id = item.get("custom_id")
            if custom_id is not None:
                if len(custom_id) > CUSTOM_ID_MAX:
                    problems.append(f"components[{r}][{i}].custom_id longer than {CUSTOM_ID_MAX}")
                if custom_id in seen_ids:
                    problems.append(f"components[{r}][{i}].custom_id {custom_id!r} is not unique")
                seen_ids.add(custom_id)
            label = item.get("label")
            if label is not None and len(label) > BUTTON_LABEL_MAX:
                problems.append(f"components[{r}][{i}].label longer than {BUTTON_LABEL_MAX}")
            if item.get("type") == 2 and item.get("style") == 5 and not item.get("url"):
                problems.append(f"components[{r}][{i}]: a link button needs a url")
    return problems


def message_problems(payload: dict[str, Any]) -> list[str]:
    """Every way ``payload`` (a message create/edit body) breaks Discord's limits."""
    problems: list[str] = []
    content = payload.get("content")
    if content is not None and len(str(content)) > CONTENT_MAX:
        problems.append(f"content: {len(str(content))} > {CONTENT_MAX} characters")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        problems.append(f"embeds: {len(embeds)} > {EMBEDS_MAX}")
    for index, embed in enumerate(embeds):
        problems.extend(_embed_problems(index, embed))
    problems.extend(_component_problems(payload.get("components") or []))
    return problems


def choices_problems(payload: dict[str, Any]) -> list[str]:
    choices = payload.get("choices")
    if choices is None:
        return ["choices: missing"]
    problems = [f"choices: {len(choices)} > {CHOICES_MAX}"] if len(choices) > CHOICES_MAX else []
    for n, choice in enumerate(choices):
        if not 1 <= len(str(choice.get("name", ""))) <= CHOICE_TEXT_MAX:
            problems.append(f"choices[{n}].name must be 1..{CHOICE_TEXT_MAX} characters")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_TEXT_MAX:
            problems.append(f"choices[{n}].value longer than {CHOICE_TEXT_MAX}")
    return problems
