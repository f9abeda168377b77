"""The engine's first step, **read**: a question as people type it in Discord, read once into a ``Query``.

``clean_question`` removes what carries no meaning for matching (mentions, custom emoji, URLs,
markdown, command prefixes, trailing "thx"/"pls"); ``read`` then normalises the cleaned text once
(``tokens.normalize``) and reads everything later steps need from it: the words to match topics
with, the words written in capitals, the intent the wording asks for (if any), the date range, the
list filter and, for "X vs Y" questions, the separately named parts. Nothing after ``read`` looks
at the raw text again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.answers import DateRange, Intent
from bot.core.engine.english import is_everyday
from bot.core.engine.lexicon import FUNCTION_WORDS, INTENT_WORDS, WORDING_CUES
from bot.core.engine.tokens import normalize

_NOISE_PATTERNS: Final = (
    re.compile(r"<a?:\w+:\d+>"),  # custom emoji
    re.compile(r"<(?:@[!&]?|#)\d+>"),  # user, role and channel mentions
    re.compile(r"<t:\d+(?::\w)?>"),  # timestamps
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r"(?:^|\s)@\w+"),  # plain-text @names
    re.compile(r":[a-z0-9_+-]+:"),  # :shortcode: emoji
)
_COMMAND_PREFIX_RE: Final = re.compile(r"^\s*[/!?.$]\s*ask\b", re.IGNORECASE)
_MARKDOWN_RE: Final = re.compile(r"(\|\||```|`|\*\*|__|~~|[*_>#])")
_SYMBOLS_RE: Final = re.compile(r"[^\w\s$%.,'’?!:;&/+\-]")
_GREETING_RE: Final = re.compile(r"^\s*(?:(?:yo|hey|hi|hello|ok|okay|so)\s+)?(?:bot|topicbot)\b[\s,:]*", re.I)
_TRAILING_FILLER_RE: Final = re.compile(
    r"(?:[\s,.!?]+(?:thx|thanks|thank you|ty|pls|plz|please|lol|lmao|lmfao|haha|\?+|!+))+[\s.!?]*$", re.I
)
_SPACES_RE: Final = re.compile(r"\s+")

_MONTHS: Final = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name
}
_YEAR: Final = r"((?:19|20)\d{2})"
_MONTH: Final = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_RANGE_RE: Final = re.compile(rf"\b(?:from\s+|between\s+)?{_YEAR}\s*(?:-|–|to|until|and|through)\s*{_YEAR}\b")
_SINCE_RE: Final = re.compile(rf"\b(?:since|after)\s+(?:{_MONTH}\s+)?{_YEAR}\b")
_BEFORE_RE: Final = re.compile(rf"\b(?:before|until|prior to|up to)\s+(?:{_MONTH}\s+)?{_YEAR}\b")
_MONTH_YEAR_RE: Final = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")
_DECADE_RE: Final = re.compile(r"\b((?:19|20)\d)0s\b")
_YEAR_RE: Final = re.compile(rf"\b{_YEAR}\b")
#: A year between a determiner and a noun names a thing ("the 2022 law", "the 2024 election"), not
#: the time a question asks about; "the 2024 timeline" still asks about 2024.
_ATTRIBUTIVE_YEAR_RE: Final = re.compile(
    rf"\b(?:the|a|an|its|their|this|that)\s+{_YEAR}\s+"
    rf"(?!(?:{WORDING_CUES['dates'].alternation()})\b)(?=[a-z])"
)

_LIST_FILTER_RE: Final = re.compile(
    r"\b(?:about|on|related to|regarding|covering|involving|in|mention|mentions|mentioning|name|names|naming)\s+(.+)$")
_LIST_ADJECTIVE_RE: Final = re.compile(r"\b(?:what|which|list|any|the)\s+(?:\w+\s+)?(\w+)\s+(?:topics|ones)\b")
_VERSUS_RE: Final = re.compile(r"\s+(?:vs\.?|versus|or)\s+")
_MAX_VERSUS_SIDE_WORDS: Final = 4


def content_words(text: str) -> list[str]:
    """The normalised words of ``text`` (a name, not a question) that are neither function nor intent words."""
    return _content(normalize(text).split())


def _content(words: Sequence[str]) -> list[str]:
    """Words that can say what a question is about: not function or intent words, and not a lone letter
    ("x", "y": a message of single letters is never answered); numbers count ("glp 1")."""
    return [w for w in words if w not in FUNCTION_WORDS and w not in INTENT_WORDS and (len(w) > 1 or w.isdigit())]


@dataclass(frozen=True)
class Query:
    """A question read once: its cleaned text, its normalised words and the cues read from them.

    ``words`` are the normalised words of ``text`` (the question's one normalisation); ``capitals``
    the normalised words it wrote in capitals ("NEAR"). ``intent_cue`` is the intent the wording asks
    for (``None`` when it only names something, which is a summary unless an attribute matches).
    ``list_filter`` holds the words a list is filtered by ("crypto" in "what crypto topics do you
    track"). ``versus`` holds the parts of an "X vs Y" / "X or Y" question, each short enough to be
    a name, as queries of their own.
    """

    raw: str
    text: str
    words: tuple[str, ...]
    capitals: frozenset[str]
    intent_cue: Intent | None
    date_range: DateRange | None
    list_filter: tuple[str, ...] = ()
    versus: tuple[Query, ...] = ()

    @property
    def normalized(self) -> str:
        return " ".join(self.words)

    @property
    def content_words(self) -> list[str]:
        """Normalised words that are neither function words nor intent words."""
        return _content(self.words)

    @property
    def is_empty(self) -> bool:
        return not self.content_words

    @property
    def asks(self) -> bool:
        """The message carries a question mark."""
        return "?" in self.raw

    def without_words(self, drop: set[str]) -> Query:
        """The question re-read without ``drop`` (normalised words): a topic's own name words must not
        count as cues ("Open-Source …" is not asking for sources, "… Summit 2022" not for 2022)."""
        kept = " ".join(w for w in self.words if w not in drop)
        cue = intent_cue_of(kept)
        date_range = parse_date_range(kept)
        if date_range is not None and cue in (None, "summary"):
            cue = "timeline"
        return replace(self, intent_cue=cue, date_range=date_range)


def plain_query(text: str) -> Query:
    """``text`` (a topic's definition, one side of "X vs Y") as words to rank, without reading cues."""
    return Query(text, text, tuple(normalize(text).split()), _capitals(text), None, None)


def _capitals(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in text.split() if len(w) > 1 and w.isupper())


def clean_question(raw: str) -> str:
    """The question without Discord noise: mentions, emoji, URLs, markdown, prefixes, filler."""
    text = raw
    for pattern in _NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    text = _COMMAND_PREFIX_RE.sub(" ", text)
    text = _MARKDOWN_RE.sub(" ", text)
    text = _SYMBOLS_RE.sub(" ", text)  # unicode emoji and other pictographs
    text = _SPACES_RE.sub(" ", text).strip()
    text = _GREETING_RE.sub("", text)
    text = _TRAILING_FILLER_RE.sub("", text)
    return text.strip(" ,.;:")


def parse_date_range(text: str) -> DateRange | None:
    """The date range a question names, or ``None``.

    Understands "2024", "from 2024" (that year), "the 2020s", "March 2024", "since 2023", "after March 2023",
    "before 2020", "2022-2024" / "from 2022 to 2024". Ranges are inclusive.
    """
    lowered = _ATTRIBUTIVE_YEAR_RE.sub(" ", text.casefold())
    if match := _RANGE_RE.search(lowered):
        first, last = sorted((int(match.group(1)), int(match.group(2))))
        return DateRange(date(first, 1, 1), date(last, 12, 31), match.group(0).strip())
    if match := _SINCE_RE.search(lowered):
        month = _MONTHS[match.group(1).rstrip(".")] if match.group(1) else 1
        return DateRange(date(int(match.group(2)), month, 1), None, match.group(0).strip())
    if match := _BEFORE_RE.search(lowered):
        month = _MONTHS[match.group(1).rstrip(".")] if match.group(1) else 1
        start_of = date(int(match.group(2)), month, 1)
        return DateRange(None, date.fromordinal(start_of.toordinal() - 1), match.group(0).strip())
    if match := _MONTH_YEAR_RE.search(lowered):
        month, year = _MONTHS[match.group(1).rstrip(".")], int(match.group(2))
        last_day = calendar.monthrange(year, month)[1]
        return DateRange(date(year, month, 1), date(year, month, last_day), match.group(0).strip())
    if match := _DECADE_RE.search(lowered):
        first = int(match.group(1)) * 10
        return DateRange(date(first, 1, 1), date(first + 9, 12, 31), match.group(0))
    if match := _YEAR_RE.search(lowered):
        year = int(match.group(1))
        return DateRange(date(year, 1, 1), date(year, 12, 31), match.group(1))
    return None


def intent_cue_of(lowered: str) -> Intent | None:
    """The intent normalised wording asks for, before any topic is known (``None``: no explicit cue);
    the cues are those of ``words/intent_cues.toml``, tried in its order."""
    for section, intent in _CUE_ORDER:
        if WORDING_CUES[section].found_in(lowered):
            return intent
    return None


_CUE_ORDER: Final[tuple[tuple[str, Intent], ...]] = (
    ("list", "list"), ("sources", "sources"), ("future", "summary"), ("timeline", "timeline"), ("summary", "summary"))


def _list_filter(lowered: str) -> tuple[str, ...]:
    candidates: list[str] = []
    if match := _LIST_ADJECTIVE_RE.search(lowered):
        candidates.append(match.group(1))
    if match := _LIST_FILTER_RE.search(lowered):
        candidates.append(match.group(1))
    for candidate in candidates:
        kept = _content(candidate.split())
        if kept:
            return tuple(kept)
    return ()


def _versus_parts(lowered: str) -> tuple[str, ...]:
    parts = [p.strip() for p in _VERSUS_RE.split(lowered) if p.strip()]
    if len(parts) < 2:
        return ()
    if any(len(p.split()) > _MAX_VERSUS_SIDE_WORDS for p in parts):
        return ()
    return tuple(parts)


#: Words that ask for a kind of answer, recognised with one slip ("timline", "sorces").
_INTENT_KEYWORDS: Final = ("timeline", "sources", "history", "milestones", "summary", "overview", "topics")


def correct_intent_words(text: str) -> str:
    """``text`` with a misspelt intent keyword (one slip, five letters or more, not itself an
    everyday word) written right, so the intent is read and the word is not taken for a topic's."""
    out: list[str] = []
    for word in text.split():
        bare = word.strip(".,!?;:").lower()
        if len(bare) >= 5 and bare not in _INTENT_KEYWORDS and not is_everyday(bare):
            hit = process.extractOne(bare, _INTENT_KEYWORDS, scorer=OSA.distance, score_cutoff=1)
            if hit is not None:
                word = word.lower().replace(bare, hit[0])
        out.append(word)
    return " ".join(out)


def read(raw: str) -> Query:
    """Clean ``raw``, normalise it once, and read its intent cue, date range, list filter and "X vs Y" parts."""
    text = correct_intent_words(clean_question(raw))
    words = tuple(normalize(text).split())
    lowered = " ".join(words)
    cue = intent_cue_of(lowered)
    date_range = parse_date_range(text)
    if date_range is not None and cue in (None, "summary"):
        cue = "timeline"
    list_filter = _list_filter(lowered)
    versus = tuple(Query(part, part, tuple(part.split()), frozenset(), None, None) for part in _versus_parts(lowered))
    return Query(raw=raw, text=text, words=words, capitals=_capitals(text), intent_cue=cue,
                 date_range=date_range, list_filter=list_filter, versus=versus)
