"""Labelled questions (the eval README's JSON Lines schema) and how an answer is judged against one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.core.answers import Answer

Label = dict[str, Any]


def read_labels(path: Path) -> list[Label]:
    """One label per non-blank line of ``path``."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def label_titles(label: Label) -> set[str]:
    """Every title a label names: its topic, its acceptable alternatives and its candidates."""
    named = {label["topic"], *label.get("alt", []), *(label.get("candidates") or [])}
    return {title for title in named if title is not None}


def is_off_topic(label: Label) -> bool:
    """A question about no tracked topic: nothing to answer (not an ambiguous or list question)."""
    return label["topic"] is None and label["intent"] == "none"


def abstained(answer: Answer) -> bool:
    """The answer names no topic and answers nothing (intent ``none``)."""
    return answer.intent == "none" and answer.topic is None


def topic_ok(label: Label, answer: Answer) -> bool:
    """The answered topic is the labelled one (or one of its ``alt`` titles)."""
    wanted = {label["topic"], *label.get("alt", [])}
    return answer.topic is not None and answer.topic.title in wanted
