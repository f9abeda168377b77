"""The matching engine: an index of topics and how a question is ranked against it.

* ``index``: ``TopicIndex`` (updates, lookups, candidate generation, ranking).
* ``scoring``: how well one topic explains a question, in named steps.
* ``packed``: the compact per-topic document the ranker reads.
* ``postings``: interned words and numpy posting lists.
* ``names``: typo, whole-name and autocomplete lookups over titles and aliases.
* ``params``: the tuning constants.
"""

from bot.core.engine.index import TopicIndex
from bot.core.engine.params import PARAMS, MatchParams

__all__ = ["PARAMS", "MatchParams", "TopicIndex"]
