"""``TextVectors``: the unit vectors of the last few thousand texts embedded (questions, topics' lines).

The decision step compares each question with every candidate's name, attribute lines and timeline
events (``bot.core.engine.topic_lines``), and the picked topic's summary, description, attribute
names and values. Sent to the model one text at a time, that was a model call per line, several
hundred per question. Here a topic's lines are looked up together: those not remembered go to the
model in one ``embed`` call, and every text's vector is kept, by the text itself, for the next
question that meets it (the same topic, or another sharing a line such as "Founded: 2015").

The model embeds each text of a batch exactly as it embeds the text alone (model2vec averages each
text's token vectors on its own; ``tests/unit/test_text_vectors.py`` checks it), so a row is the
vector the text gets alone, bit for bit. Keyed by the text, a vector can never be stale: an edited
topic's changed lines are other texts. At most ``max_texts`` vectors are kept (256 float32
components: 1 KB each at the bundled model's size), the least recently used leaving first: a memory
the size of the one that kept question vectors before, whatever the number of topics.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from bot.core.semantic.embedders import Embedder

if TYPE_CHECKING:
    from bot.core.semantic.embedders import FloatMatrix

#: Texts remembered by default: about 5 MB at 256 dimensions (vectors, keys and bookkeeping), as many
#: as the question vectors kept before, so the bot's memory is what it was (at 100,000 topics, 338 MB
#: after a few hundred replies; twice as many texts made it 343 MB, against a ceiling of 350 MB).
#: At 20,000 topics, 1,000 questions met 31,685 different texts and sent 43,856 to the model with
#: this bound (38,394 with twice as many, 33,833 with four times): most are each topic's own lines.
DEFAULT_MAX_TEXTS: Final = 4_096


class TextVectors:
    """A bounded LRU of texts' unit vectors (read-only float32 rows); what is missing is embedded in one call."""

    def __init__(self, embedder: Embedder, max_texts: int = DEFAULT_MAX_TEXTS) -> None:
        if max_texts < 0:
            raise ValueError(f"max_texts must be 0 or more, not {max_texts}")
        self._embedder = embedder
        self._max_texts = max_texts
        self._vectors: OrderedDict[str, FloatMatrix] = OrderedDict()
        #: Texts sent to the model (not found in memory) since this cache was made.
        self.embedded = 0

    @property
    def max_texts(self) -> int:
        return self._max_texts

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, text: object) -> bool:
        return text in self._vectors

    def vector(self, text: str) -> FloatMatrix:
        """The unit vector of one text (read-only; zeros for an empty text)."""
        found = self._vectors.get(text)
        if found is not None:
            self._vectors.move_to_end(text)
            return found
        return self._embed([text])[text]

    def vectors(self, texts: Sequence[str]) -> FloatMatrix:
        """The unit vectors of ``texts``, one row each in order (a new matrix; zeros for an empty text)."""
        import numpy as np

        found: dict[str, FloatMatrix] = {}
        missing: dict[str, None] = {}  # in order, each once
        for text in texts:
            if text in found or text in missing:
                continue
            vector = self._vectors.get(text)
            if vector is None:
                missing[text] = None
            else:
                self._vectors.move_to_end(text)
                found[text] = vector
        if missing:
            found.update(self._embed(list(missing)))
        if not texts:
            return np.zeros((0, self._embedder.dimensions), dtype=np.float32)
        matrix: FloatMatrix = np.stack([found[text] for text in texts])
        return matrix

    def _embed(self, texts: list[str]) -> dict[str, FloatMatrix]:
        """Embed ``texts`` (no two alike) in one call and remember each, dropping the oldest beyond the bound."""
        rows = self._embedder.embed(texts)
        self.embedded += len(texts)
        fresh: dict[str, FloatMatrix] = {}
        for text, row in zip(texts, rows, strict=True):
            vector = row.copy()  # its own buffer: a row kept alone must not keep the whole batch alive
            vector.flags.writeable = False
            fresh[text] = vector
            if self._max_texts:
                self._vectors[text] = vector
        while len(self._vectors) > self._max_texts:
            self._vectors.popitem(last=False)
        return fresh
