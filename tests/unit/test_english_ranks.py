"""The everyday-English ranking: most used first, ties by word, only words of letters."""

from __future__ import annotations

import gzip
import json
from importlib import resources

from bot.core.engine import english


def test_ranks_are_the_most_used_words_in_order_of_use_ties_by_word() -> None:
    source = resources.files("spellchecker") / "resources" / "en.json.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        counts: dict[str, int] = json.load(text)
    reference = sorted(counts, key=lambda word: (-counts[word], word))[: english.EVERYDAY_RANK]
    expected = {word: i for i, word in enumerate(reference, start=1) if word.isalpha()}
    english._ranks.cache_clear()
    assert english._ranks() == expected
    assert english.rank("the") == 1 and english.is_everyday("movie") and not english.is_everyday("xylophonist")
