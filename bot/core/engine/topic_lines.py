"""A topic's texts that the semantic features compare a question with, and their cosines.

``QuestionMeaning`` (``answering``) asks for them in two groups, each embedded in one call to the
meaning search (which remembers the last few thousand texts: ``bot.core.semantic.text_vectors``):

* ``line_texts``: the title, each attribute as ``"name: value"`` and each timeline event, for every
  candidate of a question (all the candidates' lines in one call), of each candidate at most its
  first ``MAX_LINE_ATTRIBUTES`` attributes and latest ``MAX_LINE_EVENTS`` events (``candidate_lines``:
  one huge record costs a question no more embeddings than a large ordinary one); every line of the
  topic picked, for its attribute and intent features (``TopicLines``);
* ``detail_texts``: the summary, the description, each attribute's name and each value, only for the
  topic picked (its attribute and intent features).

``cosines`` computes every text's cosine with a vector in one call, yet each exactly as the product
of that text's own vector with it (``text_vector @ vector``, a dot product per row): the features,
and so the answers and the shipped weights, are the same as when each line was embedded and
multiplied alone. A plain matrix-vector product sums in another order and moves the last bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.engine.topic_documents import MAX_HEAD_ATTRIBUTES
from bot.core.model import Attribute, TimelineEvent, Topic

FloatMatrix = npt.NDArray[np.float32]

#: What the semantic features read of each candidate (``lines_of_each``), whatever its record holds:
#: beside its title, the lines of its first ``MAX_LINE_ATTRIBUTES`` attributes (those of its head,
#: ``topic_documents.MAX_HEAD_ATTRIBUTES``) and of its latest ``MAX_LINE_EVENTS`` timeline events (the
#: record's last ones). Every candidate's lines are embedded for each question, so a record of 499
#: attributes and 5,000 events cost each question it was a candidate for some 5,500 embeddings, and
#: flushed the remembered text vectors. The topic picked is still read whole (``TopicLines``: its
#: attribute is chosen among all of them). Kept here, not in ``topic_documents``: they decide nothing
#: the index holds, so a snapshot is not rebuilt for them.
MAX_LINE_ATTRIBUTES: Final = MAX_HEAD_ATTRIBUTES
MAX_LINE_EVENTS: Final = 100


class LineEmbedder(Protocol):
    """The part of ``MeaningSearch`` used here."""

    def embed_lines(self, texts: Sequence[str]) -> FloatMatrix: ...


def cosines(texts: Sequence[str], vectors: FloatMatrix, vector: FloatMatrix | None) -> list[float]:
    """Each text's cosine with ``vector`` (``vectors`` holds their unit vectors, one row each); 0.0 for
    a blank text, and for every text when there is no vector (nothing was asked).

    Every value is ``float(vectors[i] @ vector)`` to the last bit: the stacked product below is one
    dot product per row (numpy's matmul of a 1×d row with a d×1 column), not a matrix-vector product.
    """
    if vector is None or not texts:
        return [0.0] * len(texts)
    found: list[float] = (vectors[:, np.newaxis, :] @ vector[:, np.newaxis])[:, 0, 0].tolist()
    return [cosine if text.strip() else 0.0 for text, cosine in zip(texts, found, strict=True)]


def candidate_lines(topic: Topic) -> tuple[tuple[Attribute, ...], tuple[TimelineEvent, ...]]:
    """The attributes and events whose lines a candidate brings the semantic features: the first
    ``MAX_LINE_ATTRIBUTES`` attributes and the latest ``MAX_LINE_EVENTS`` events (all of them for
    every record the project ships or tests with)."""
    events = topic.timeline
    return topic.attributes[:MAX_LINE_ATTRIBUTES], events[max(0, len(events) - MAX_LINE_EVENTS):]


def line_texts(topic: Topic, *, candidate: bool = False) -> tuple[str, ...]:
    """The title, then each attribute as ``"name: value"``, then each timeline event; of a ``candidate``,
    only those of ``candidate_lines``."""
    attributes, events = candidate_lines(topic) if candidate else (topic.attributes, topic.timeline)
    return _texts(topic.title, attributes, events)


def _texts(title: str, attributes: Sequence[Attribute], events: Sequence[TimelineEvent]) -> tuple[str, ...]:
    return (title, *(f"{a.name}: {a.value}" for a in attributes), *(e.text for e in events))


def detail_texts(topic: Topic) -> tuple[str, ...]:
    """The summary, the description, then each attribute's name, then each attribute's value."""
    attributes = topic.attributes
    return (topic.summary, topic.description, *(a.name for a in attributes), *(a.value for a in attributes))


@dataclass(frozen=True)
class LineCosines:
    """A vector's cosines with a topic's title, each attribute line ("name: value") and each event."""

    title: float
    attributes: list[float]
    events: list[float]

    @classmethod
    def of(cls, attributes: int, found: Sequence[float]) -> LineCosines:
        """``found`` (one cosine per text of ``line_texts``, which held ``attributes`` attribute lines)
        read as its parts."""
        return cls(found[0], list(found[1 : 1 + attributes]), list(found[1 + attributes :]))


@dataclass(frozen=True)
class DetailCosines:
    """A vector's cosines with a topic's summary, description, each attribute's name and each value."""

    summary: float
    description: float
    names: list[float]
    values: list[float]

    @classmethod
    def of(cls, topic: Topic, found: Sequence[float]) -> DetailCosines:
        """``found`` (one cosine per text of ``detail_texts(topic)``) read as its parts."""
        count = len(topic.attributes)
        return cls(found[0], found[1], list(found[2 : 2 + count]), list(found[2 + count :]))


def lines_of_each(meaning: LineEmbedder, topics: Sequence[Topic], vector: FloatMatrix) -> list[LineCosines]:
    """``vector``'s cosines with each candidate's lines (``candidate_lines``), all embedded in one call."""
    parts = [candidate_lines(topic) for topic in topics]
    groups = [_texts(topic.title, *part) for topic, part in zip(topics, parts, strict=True)]
    texts = [text for group in groups for text in group]
    found = cosines(texts, meaning.embed_lines(texts), vector)
    out: list[LineCosines] = []
    start = 0
    for (attributes, _), group in zip(parts, groups, strict=True):
        out.append(LineCosines.of(len(attributes), found[start : start + len(group)]))
        start += len(group)
    return out


class TopicLines:
    """Every text of one topic (the one picked) that the semantic features weigh, each group embedded
    when first asked."""

    def __init__(self, topic: Topic, meaning: LineEmbedder) -> None:
        self._topic = topic
        self._meaning = meaning
        self._lines: tuple[tuple[str, ...], FloatMatrix] | None = None
        self._details: tuple[tuple[str, ...], FloatMatrix] | None = None

    def lines(self, vector: FloatMatrix | None) -> LineCosines:
        """``vector``'s cosines with the title, the attribute lines and the events (0.0 without a vector)."""
        if self._lines is None:
            texts = line_texts(self._topic)
            self._lines = texts, self._meaning.embed_lines(texts)
        return LineCosines.of(len(self._topic.attributes), cosines(*self._lines, vector))

    def details(self, vector: FloatMatrix | None) -> DetailCosines:
        """``vector``'s cosines with the summary, the description, the names and the values (0.0 without one)."""
        if self._details is None:
            texts = detail_texts(self._topic)
            self._details = texts, self._meaning.embed_lines(texts)
        return DetailCosines.of(self._topic, cosines(*self._details, vector))
