"""Look-alike names, made up for training the choice: records whose names differ by a letter or a
word, and questions about them, all generated (seeded) and never shipped.

A server that tracks thousands of topics holds names that look alike: "Norvel Systems" beside
"Norvela Systems" and "Norvel Bio", people who share a surname, bills built from the same words in
another order. The project's own records hold few such neighbours, so from them alone the choice
model cannot learn that a misspelt name closest to one of them is that one, not a choice. These
records are that neighbourhood. Their questions teach only the member model, whom a choice offers
(``train_decisions``): the choice model, whether to offer one, learns from the project's own records.

- a name with one slip of the keyboard, or written exactly: that topic (no choice);
- a word or short name several names share and no record is named by alone (a surname, a name's
  first word, a brand's initials): a choice of those records; a short name only one record has:
  that topic.

The syllables, words and templates are this module's own; nothing is read from elsewhere.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from benchmarks.generate_decision_questions import MISSPELT, MISSPELT_STYLE, _misspellings
from bot.core.engine import english
from bot.core.model import Attribute, TimelineEvent, Topic

#: The questions' style for an exact look-alike name: like a misspelt one, it teaches the choice only.
EXACT_STYLE = "generated-lookalike-exact"
SEED = "look-alike names"
#: English rank from which a shared word is a name, not an everyday word ("clean" asks about nothing).
_RARE = 10_000

_SYLLABLES = ("vor", "tal", "ka", "zen", "mir", "lo", "quo", "dra", "fen", "ix", "bel", "nor", "sa", "tur",
              "vex", "ori", "pal", "gan", "rho", "sel", "tiv", "um", "ard", "cy", "mel", "os", "pre", "lin",
              "dax", "eno", "hal", "ju", "kes", "nat", "obi", "rin", "sto", "vel", "wen", "yor")
_KINDS = ("Labs", "Systems", "Motors", "Health", "Bio", "Energy", "Robotics", "Networks", "Capital",
          "Aerospace", "Foundry", "Cloud", "AI", "Therapeutics", "Semiconductor", "Studios", "Materials",
          "Nova", "Orion", "Pulse", "Vector", "One")
_FIRST = ("Mara", "Tobias", "Ines", "Kenji", "Leona", "Omar", "Priya", "Rafael", "Sanna", "Viktor", "Wen",
          "Yusuf", "Zofia", "Bruno", "Clara", "Dmitri", "Elif", "Farah", "Goran", "Hana")
_SURNAMES = ("Okafor", "Lindgren", "Moreau", "Castell", "Novak", "Haddad", "Ferreira", "Kowal", "Sato",
             "Brandt", "Quist", "Delacroix")
_POLICY_WORDS = ("Clean", "Border", "Open", "Grid", "Housing", "Digital", "Water", "Trade", "Rural",
                 "Consumer", "Safety", "Data", "Coastal", "Freight", "Ocean", "Soil")
_POLICY_KINDS = ("Act", "Bill", "Directive", "Rule", "Accord", "Charter")


def _stem(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _near(stem: str, rng: random.Random) -> str:
    """Another stem a letter or a syllable away from ``stem``."""
    how = rng.choice(("add", "add", "letter", "drop"))
    if how == "add":
        return stem + rng.choice(_SYLLABLES)
    i = rng.randrange(1, len(stem))
    if how == "letter":
        return stem[:i] + rng.choice("aeioulnrst".replace(stem[i], "")) + stem[i + 1:]
    return stem[:i] + stem[i + 1:] if len(stem) > 4 else stem + "a"


def _titles(rng: random.Random, groups: int) -> list[tuple[str, str | None]]:
    """Names in groups that look alike, each with its short name if it has one: one stem with several
    kinds (often sharing a short name, as a brand's products do), near stems with the same kind,
    people sharing surnames, and policies built from the same words (their initials)."""
    titles: list[tuple[str, str | None]] = []
    for _ in range(groups):
        stem = _stem(rng)
        kinds = rng.sample(_KINDS, 3)
        short = stem[:4].upper() if rng.random() < 0.5 else None
        titles += [(f"{stem} {kind}", short) for kind in kinds[:rng.choice((1, 2, 3))]]
        if rng.random() < 0.3:
            titles.append((stem, None))
        for _ in range(rng.choice((1, 2))):
            titles.append((f"{_near(stem, rng)} {rng.choice(kinds)}", None))
    for surname in _SURNAMES:
        titles += [(f"{first} {surname}", None) for first in rng.sample(_FIRST, rng.choice((3, 4, 5)))]
    for _ in range(groups // 3):
        words = rng.sample(_POLICY_WORDS, 3)
        kind = rng.choice(_POLICY_KINDS)
        for name in ((*words, kind), (words[1], words[0], words[2], kind), (words[0], words[1], kind)):
            titles.append((" ".join(name), "".join(w[0] for w in name)))
    unique: dict[str, str | None] = {}
    for title, short in titles:
        unique.setdefault(title, short)
    return list(unique.items())


def _record(title: str, short: str | None, rng: random.Random) -> Topic:
    kind = "person" if title.split()[-1] in _SURNAMES else "policy" if title.split()[-1] in _POLICY_KINDS \
        else "company"
    year = rng.randrange(2012, 2026)
    when = datetime(year, rng.randrange(1, 13), rng.randrange(1, 28), tzinfo=UTC)
    return Topic(
        title=title,
        description=f"{title}, a {kind} followed on the server.",
        first_mentioned=when, last_updated=when, research_retrieved=when,
        summary=f"{title} is a {kind} the community keeps an eye on. It came up in {year}.",
        attributes=(Attribute("Founded" if kind == "company" else "Since", str(year)),),
        timeline=(TimelineEvent(f"{title} first came up.", date(year, 1, 1)),),
        aliases=(short,) if short else (),
    )


def records(groups: int = 150) -> list[Topic]:
    """The look-alike records, the same for the same ``groups``."""
    rng = random.Random(SEED)
    return [_record(title, short, rng) for title, short in _titles(rng, groups)]


def questions(topics: list[Topic]) -> Iterator[dict[str, Any]]:
    """Each name misspelt (up to two ways) and written exactly, labelled with its topic; and each word
    that several names share and no name is alone, labelled as a choice of those records."""
    rng = random.Random(SEED)
    titles = [t.title for t in topics]
    alone = {t.casefold() for t in titles}
    folded = [t.casefold() for t in titles]
    for title in titles:
        slips = [m for m in _misspellings(title.casefold(), rng) if m not in alone]  # a slip may spell another
        for misspelt in rng.sample(slips, min(2, len(slips))) if len(title) > 6 else []:
            asked = rng.choice(MISSPELT).format(t=misspelt)
            # The name a slip is nearest, or when it is as near several ("velmera": Velmara or
            # Velmora), a choice of them.
            near = process.extract(misspelt, folded, scorer=Levenshtein.distance,
                                   score_cutoff=Levenshtein.distance(misspelt, title.casefold()), limit=None)
            nearest = min(distance for _, distance, _ in near)
            meant = [titles[i] for _, distance, i in sorted(near, key=lambda hit: hit[2]) if distance == nearest]
            if len(meant) > 1:
                yield _ambiguous(asked, meant)
            else:
                yield _label(asked, meant[0], MISSPELT_STYLE)
        yield _label(rng.choice(MISSPELT).format(t=rng.choice((title, title.casefold()))), title, EXACT_STYLE)
    sharing: dict[str, list[str]] = {}
    for title in titles:
        for word in dict.fromkeys(title.casefold().split()):
            sharing.setdefault(word, []).append(title)
    for word, having in sorted(sharing.items()):
        if 2 <= len(having) <= 5 and word not in alone and (english.rank(word) or _RARE) >= _RARE:
            yield _ambiguous(rng.choice(_ASKED).format(w=word), having)
    short_names: dict[str, list[str]] = {}
    for topic in topics:
        for short in topic.aliases:
            short_names.setdefault(short, []).append(topic.title)
    for short, having in sorted(short_names.items()):
        if len(having) == 1:
            yield _label(rng.choice(_ASKED).format(w=short), having[0], EXACT_STYLE)
        elif short.casefold() not in alone:
            yield _ambiguous(rng.choice(_ASKED).format(w=short), having)


_ASKED = ("{w}", "tell me about {w}", "what's {w}", "{w}?")


def _ambiguous(asked: str, having: list[str]) -> dict[str, Any]:
    return {**_label(asked, None, "ambiguous"), "candidates": having}


def _label(q: str, topic: str | None, style: str) -> dict[str, Any]:
    return {"q": q, "topic": topic, "intent": "summary", "attribute": None, "style": style, "generated": True}
