"""The plain-text explanation of an answer: what was understood and how the topic was chosen.

Shared by ``topicbot ask --explain`` and the Discord ``/topic why`` command.
"""

from __future__ import annotations

from bot.core.answers import Answer


def format_explanation(answer: Answer) -> str:
    """One ``label: value`` line per fact: intent, topic, attribute, scores, runner-up, matched field."""
    why = answer.explanation
    matched = why.matched_field or "-"
    if why.matched_text:
        matched += f" ({why.matched_text!r})"
    lines = [
        f"question:   {answer.question}",
        f"intent:     {answer.intent}",
        f"topic:      {answer.topic.title if answer.topic else '-'}",
        f"attribute:  {answer.attribute.name if answer.attribute else '-'}",
        f"confidence: {answer.confidence:.2f}",
        f"winner:     {why.winner or '-'} (score {why.winner_score:.1f})",
        f"runner-up:  {why.runner_up or '-'} (score {why.runner_up_score:.1f})",
        f"matched:    {matched}",
    ]
    if answer.date_range is not None:
        lines.append(f"dates:      {answer.date_range.label}")
    if answer.candidates:
        lines.append(f"candidates: {', '.join(answer.candidates)}")
    lines.extend(f"note:       {note}" for note in why.notes)
    return "\n".join(lines)
