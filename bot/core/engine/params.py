"""The ranker's tuning constants, in one typed value (``MatchParams``) that ``TopicIndex`` is given and passes down."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.engine.topic_documents import FIELD_WEIGHTS


@dataclass(frozen=True, slots=True)
class MatchParams:
    """How the ranker weighs evidence, and how much work one question may cost."""

    #: A looser prefix match ("subsidies" / "subsidising") counts at this share of the record's evidence.
    prefix_factor: float = 0.8
    #: A question word counts where the record uses an everyday synonym (``lexicon.SYNONYM_GROUPS``) at
    #: this share of that word's evidence outside the names (a name word counts as a partial name).
    synonym_factor: float = 0.7
    #: Shortest part of a word read as two known words run together ("chipmaking").
    min_compound_part: int = 3
    compound_cache_size: int = 10_000
    #: Numbers of up to this many digits are matched as words (longer ones are years or amounts).
    max_number_digits: int = 3
    #: Whole-name typo matching: questions of at most this many content words, ``fuzz.ratio`` cutoff.
    whole_name_max_words: int = 4
    whole_name_cutoff: float = 80.0
    #: A name written out in full in at most this many consecutive content words is always scored.
    named_span_words: int = 8
    name_bonus: float = 0.25
    #: A name counts towards the score only when the question says most of it (IDF-weighted).
    most_of_name: float = 0.5
    #: Least evidence of an acronym that no other record uses, wherever it appears.
    unique_name_weight: float = FIELD_WEIGHTS["description"]
    #: A frequent English word is weighted as if this share of the topics used it (see ``idf``).
    common_word_share: float = 0.5
    #: Any everyday English word (``english.rank``) of a question counts as if ``everyday_share / rank``
    #: of the topics used it (at most ``common_word_share``): "sorry", "actually" or "question" say
    #: little about which topic is meant, however few records use them; "coil" still says a lot.
    everyday_share: float = 600.0
    #: At most this many candidates are fully scored per question, whatever the corpus size; they are
    #: the best by a cheap upper estimate of their coverage computed over the postings at once.
    max_scored: int = 6
    #: Typo candidates kept per unknown word.
    typo_limit: int = 5
    autocomplete_limit: int = 25
    #: Names fully scored by autocomplete after the trigram filter.
    autocomplete_scored: int = 200
    label_limit: int = 100
    #: Parsed topics kept ready (the rest are kept as compressed record text).
    topic_cache_size: int = 512

