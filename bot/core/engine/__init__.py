"""The answer engine: from a question to an answer in four named steps, and the index it ranks against.

The pipeline (``answering.Answerer``):

* ``reading``: **read** the raw question once into a ``Query`` (normalised words, intent cue, dates,
  list filter, "X vs Y" parts); word lists it relies on come from ``words/`` via ``lexicon``.
* ``ranking``: **rank** a ``Query`` into a ``Ranking`` of candidate topics with their ``TopicScore``.
* ``learned_deciding``: **decide** the ``Outcome`` (``outcomes``: pick, choice, listing, miss,
  chatter) by small logistic models learned from the project's labelled data (``features``,
  ``decision_model``, weights and thresholds in ``decisions/``, fitted by ``python -m
  benchmarks.train_decisions``).
* ``answering``: build the ``Answer`` front ends render; ``explaining`` its debug view.

The index and its scoring:

* ``index``: ``TopicIndex`` (updates, lookups, candidate generation, ranking).
* ``scoring``, ``topic_scores``: how well one topic explains a question.
* ``topic_documents``, ``packed``: the per-topic document the ranker reads, and its compact form.
* ``postings``, ``blobs``, ``names``, ``snapshot``: posting lists, stored blobs, name lookups, the
  index persisted beside the store.
* ``attributes``: the attribute a question asks for; ``timelines``: events in a date range;
  ``related``: "see also" topics.
* ``tokens``, ``english``, ``lexicon``: normalising words, everyday-English frequencies, word lists.
* ``params``: ``MatchParams``, the ranker's tuning, given to ``TopicIndex`` and passed down.

The rest of the bot imports only the names below.
"""

from bot.core.engine.answering import (
    Answerer,
    DecisionStep,
    MeaningSearch,
    answer_to_json,
    is_filtered_list,
)
from bot.core.engine.explaining import format_explanation
from bot.core.engine.index import TopicIndex
from bot.core.engine.learned_deciding import LearnedDecider
from bot.core.engine.params import MatchParams
from bot.core.engine.reading import Query, parse_date_range, read
from bot.core.engine.snapshot import StoreMark, load_snapshot, save_snapshot

__all__ = [
    "Answerer",
    "DecisionStep",
    "LearnedDecider",
    "MatchParams",
    "MeaningSearch",
    "Query",
    "StoreMark",
    "TopicIndex",
    "answer_to_json",
    "format_explanation",
    "is_filtered_list",
    "load_snapshot",
    "parse_date_range",
    "read",
    "save_snapshot",
]
