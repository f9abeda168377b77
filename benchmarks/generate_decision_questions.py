"""Labelled questions generated from records, for training the decisions: ``python -m
benchmarks.generate_decision_questions RECORDS_DIR --out FILE [--seed S]``.

For every record: its summary asked by title, by alias and by a description of the thing that
avoids its name; each attribute asked by its name and in everyday words for what it means; the
timeline with and without a year; the sources; and near-misses that use a word of its name in an
unrelated everyday sentence (no topic). Across records: list questions (all topics, and the topics
sharing a word of their names) and ambiguous questions naming only a word two or more records'
names share, or a rare word two to four records' descriptions share (no topic, those records as
candidates); and a word of an attribute's value that no other record writes, said alone, asking
for that record's summary. Deterministic for a seed. The phrasings are this script's own templates
(``_ASKED_AS``): data for training, never rules the bot runs.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.core.engine import english
from bot.core.errors import RecordFormatError
from bot.core.model import Topic
from bot.core.record_format import parse_record

SUMMARY = ("what is {t}", "tell me about {t}", "{t}?", "explain {t} to me", "eli5 {t}", "whats the deal with {t}",
           "can you give me a rundown on {t}", "i keep hearing about {t}, what is it", "{t} summary pls",
           "anyone know what {t} actually is")
MISSPELT = ("{t}", "{t}", "tell me about {t}", "what is {t}", "{t}?", "info on {t}")
MISSPELT_STYLE = "generated-misspelt"
DESCRIBED = ("what's that {d} thing", "tell me about the {d} one", "you know the {d}? what is it",
             "info on the {d}", "what do you have on {d}")
TIMELINE = ("what happened with {t}", "{t} news", "latest on {t}", "history of {t}", "any updates on {t}",
            "{t} timeline", "what's new with {t}", "how did {t} get here, give me the backstory")
TIMELINE_YEAR = ("what happened with {t} in {y}", "{t} in {y}?", "{t} events {y}", "what did {t} do in {y}",
                 "anything about {t} from {y}")
SOURCES = ("sources for {t}", "where can i read more about {t}", "link me something on {t}", "{t} links",
           "got any articles about {t}", "where did you get the {t} info", "src for {t}?")
#: Everyday ways to ask for an attribute, by a word its name contains ({t}: the topic's name).
_ASKED_AS: dict[str, tuple[str, ...]] = {
    "ceo": ("who runs {t}", "who's the boss at {t}", "who is in charge of {t}", "who leads {t} these days"),
    "founded": ("when did {t} start", "how old is {t}", "when was {t} set up", "what year did {t} begin"),
    "launched": ("when did {t} first come out", "how long has {t} been around", "when did {t} go live"),
    "signed": ("when did {t} become law", "when was {t} passed"),
    "force": ("when did {t} kick in", "since when does {t} apply"),
    "headquarters": ("where is {t} based", "where are {t}'s offices", "which city is {t} in"),
    "price": ("how much does {t} cost", "is {t} expensive", "what do you pay for {t}"),
    "investor": ("who put money into {t}", "who is backing {t}", "who funds {t}"),
    "competitors": ("who are {t}'s rivals", "who competes with {t}", "what are the alternatives to {t}"),
    "regulator": ("who oversees {t}", "who polices {t}", "which body enforces {t}"),
    "agency": ("which government body runs {t}", "who hands out the {t} money"),
    "concerns": ("what are people worried about with {t}", "what's the downside of {t}", "risks of {t}"),
    "challenge": ("what's the hardest problem for {t}", "what is holding {t} back", "biggest hurdle for {t}"),
    "side": ("what are the side effects of {t}", "does {t} make you sick", "bad reactions to {t}"),
    "manufacturer": ("who makes {t}", "who builds {t}", "which companies produce {t}"),
    "operator": ("who operates {t}", "whose service is {t}", "who is behind {t}"),
    "parent": ("who owns {t}", "what company is {t} part of"),
    "subscribers": ("how many people use {t}", "how many customers does {t} have"),
    "size": ("how big is {t}", "how large is {t}"),
    "height": ("how tall is {t}", "how high does {t} stand"),
    "engines": ("what powers {t}", "what motors does {t} use"),
    "fuel": ("what does {t} run on", "what goes into {t} as fuel"),
    "output": ("how much power does {t} make", "how many megawatts is {t}"),
    "products": ("what does {t} sell", "what are {t}'s main products", "what does {t} make"),
    "uses": ("what is {t} used for", "what can {t} treat"),
    "creator": ("who made {t}", "who invented {t}", "who came up with {t}"),
    "penalty": ("what's the fine for breaking {t}", "how much can {t} fine you"),
    "funding": ("how much money is in {t}", "how much cash does {t} give out"),
    "recipients": ("who got money from {t}", "which companies benefit from {t}"),
    "ticker": ("what's {t}'s stock symbol", "what do i type into my broker to buy {t}"),
    "area": ("where does {t} operate", "which cities can i use {t} in"),
    "city": ("where did {t} start operating", "which city got {t} first"),
    "status": ("is {t} running yet", "what's the state of {t} right now"),
    "companies": ("which companies are into {t}", "who are the big players in {t}"),
    "technologies": ("what kinds of tech does {t} use", "what types of hardware are there for {t}"),
    "categories": ("what are the tiers of {t}", "how does {t} sort things by risk"),
    "name": ("what's the full name of {t}", "what is {t} officially called"),
    "definition": ("define {t}", "what does {t} mean exactly"),
    "impact": ("what effect does {t} have on the environment", "how bad is {t} for the planet"),
    "structure": ("how is {t} organised as a company", "what kind of company is {t}"),
    "site": ("where does {t} launch from", "which launch pad does {t} use"),
    "contract": ("what deal does {t} have with nasa", "what did nasa pay {t} for"),
    "reward": ("how much do miners get for {t}", "what's the payout per block for {t}"),
    "cap": ("how many {t} can ever exist", "is there a limit on {t}"),
    "consensus": ("how does {t} agree on transactions", "how are {t} transactions confirmed"),
    "reserve": ("what backs {t}", "what is {t} backed by"),
    "market": ("how much {t} is out there", "how big is the {t} market"),
    "law": ("what law covers {t} in america", "which us law regulates {t}"),
    "rules": ("what rules apply to {t} in europe", "how does the eu regulate {t}"),
    "designs": ("what {t} designs are leading", "which {t} models are out front"),
    "project": ("what's the biggest {t} project", "which {t} experiment is the flagship"),
    "approaches": ("what are the ways to do {t}", "how do people try to achieve {t}"),
    "milestone": ("what was {t}'s big breakthrough", "biggest achievement in {t}"),
    "security": ("does {t} break encryption", "is {t} a threat to passwords"),
    "autonomy": ("how self-driving are {t}", "what level of autonomy do {t} have"),
    "vehicles": ("what cars does {t} use", "which car models are in {t}"),
    "sensor": ("does {t} use lidar", "what sensors does {t} rely on"),
    "formats": ("what kinds of files are in {t}", "what form does {t} come in"),
    "economic": ("why is {t} worth money", "how does {t} make money for companies"),
    "methodology": ("how is {t} put together", "how do you make {t}"),
    "partner": ("who manufactures chips for {t}", "which foundry makes {t}'s chips"),
}
ATTRIBUTE_BY_NAME = ("what is the {a} of {t}", "{t} {a}", "{a} of {t}?", "tell me {t}'s {a}")
#: One ordinary word of a record's prose on its own, or in a remark: chat, not a question about it.
PROSE_CHAT = ("the {w}", "lol the {w}", "{w} huh", "what a {w}", "so many {w}", "i love {w}", "{w} again?",
              "my {w} broke", "i had {w} today", "we need more {w}")
NEAR_MISS = ("i spilled {w} all over the floor", "my friend won't stop talking about {w} lol",
             "we played {w} all night", "the {w} at the store was sold out", "that {w} joke was terrible",
             "is {w} a real word", "my teacher loves the word {w}")


#: The topic described by what one of its attributes holds, asking what the topic is, not for that
#: attribute ("the outfit that gave us chatgpt"): by a word of the attribute's name, templates naming
#: the value ({v}: a distinctive word of it).
_DESCRIBED_BY: dict[str, tuple[str, ...]] = {
    "product": ("the outfit that gave us {v}, what is it", "tell me about whoever makes {v}",
                "what do you know about the company behind {v}"),
    "ceo": ("the company {v} runs, what's their story", "tell me about the firm {v} leads"),
    "founder": ("the thing {v} started, what is it", "info on what {v} founded"),
    "creator": ("the thing {v} created, explain it", "what's the story of what {v} made"),
    "manufacturer": ("the thing {v} builds, what is it",),
    "drug": ("those {v} meds, what's the deal", "explain the {v} kind of medicine"),
}

#: Slips of the keyboard, each at one letter inside a name: left out, swapped with the next, doubled, replaced.
_SLIPS = ("drop", "swap", "double", "replace")


def _letters(name: str) -> list[int]:
    return [i for i, c in enumerate(name) if c.isalpha()]


def _slip(name: str, letters: list[int], slip: str, rng: random.Random) -> str:
    """``name`` with one ``slip`` at a letter inside it (unchanged when a swap has no letter to swap with)."""
    i = rng.choice(letters[1:-1])
    if slip == "drop":
        return name[:i] + name[i + 1:]
    if slip == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2:] if name[i + 1:i + 2].isalpha() else name
    if slip == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeiourstnl".replace(name[i], "")) + name[i + 1:]


def _typo(name: str, rng: random.Random) -> str:
    letters = _letters(name)
    return name if len(letters) < 5 else _slip(name, letters, "drop", rng)


def _misspellings(name: str, rng: random.Random) -> list[str]:
    """The name with one slip of the keyboard each (``_SLIPS``); names of four letters or fewer are
    left alone: a slip makes another word of them."""
    letters = _letters(name)
    if len(letters) < 5:
        return []
    out = [_slip(name, letters, slip, rng) for slip in _SLIPS]
    return [m for m in dict.fromkeys(out) if m != name]


def _own_words(topic: Topic) -> set[str]:
    """The casefolded words of the topic's title and aliases."""
    return {w.casefold() for n in (topic.title, *topic.all_aliases) for w in re.findall(r"\w+", n)}


def _description_words(topic: Topic, rng: random.Random) -> str | None:
    own = _own_words(topic)
    words = [w.casefold() for w in re.findall(r"[A-Za-z][a-z]+", topic.description)
             if len(w) > 3 and w.casefold() not in own and english.rank(w.casefold()) is not None
             and not english.is_common(w.casefold())]
    words = list(dict.fromkeys(words))
    if len(words) < 2:
        return None
    start = rng.randrange(0, max(1, len(words) - 2))
    return " ".join(words[start:start + 3])


def _value_word(topic: Topic, value: str) -> str | None:
    """A distinctive word of an attribute's value: a name-like word (capitalised or with digits), none of
    the topic's own name words and no everyday English word."""
    own = _own_words(topic)
    for word in re.findall(r"[A-Za-z][\w-]*", value):
        folded: str = word.casefold()
        if (word[0].isupper() or any(c.isdigit() for c in word)) and len(word) > 3 and folded not in own \
                and not english.is_common(folded):
            return folded
    return None


def _described_by_values(topic: Topic) -> Iterator[dict[str, Any]]:
    """Questions describing the topic by what an attribute holds, asking for its summary. Their own
    generator, seeded by the title, so the other questions stay as they were."""
    rng = random.Random(f"described by a value {topic.title}")
    for attribute in topic.attributes:
        kinds = [k for k in _DESCRIBED_BY if k in attribute.name.casefold()]
        word = _value_word(topic, attribute.value) if kinds else None
        if word:
            yield _q(rng.choice(_DESCRIBED_BY[kinds[0]]).format(v=word), topic.title, "summary",
                     "generated-described-by-value")


def _names(topic: Topic, rng: random.Random) -> list[str]:
    names = [topic.title.casefold(), topic.title]
    names += [a for a in topic.all_aliases if len(a) > 2]
    names.append(_typo(topic.title.casefold(), rng))
    return names


def _q(q: str, topic: str | None, intent: str, style: str, attribute: str | None = None,
       **extra: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON values
    return {"q": q, "topic": topic, "intent": intent, "attribute": attribute, "style": style, **extra}


def generate(topic: Topic, rng: random.Random) -> Iterator[dict[str, Any]]:
    names = _names(topic, rng)
    t = topic.title
    for template in rng.sample(SUMMARY, 4):
        yield _q(template.format(t=rng.choice(names)), t, "summary", "generated")
    # A misspelt whole name is that topic, even beside look-alike names ("bater satelite" is Bater
    # Satellite, not a choice with Bater Aerospace). These teach the choice only (``train_decisions``).
    # Their own generator, seeded by the title, so the other questions stay as they were.
    slips = random.Random(f"misspelt {t}")
    for misspelt in _misspellings(t.casefold(), slips):
        yield _q(slips.choice(MISSPELT).format(t=misspelt), t, "summary", MISSPELT_STYLE)
    described = _description_words(topic, rng)
    if described:
        for template in rng.sample(DESCRIBED, 2):
            yield _q(template.format(d=described), t, "summary", "generated-described")
    for attribute in topic.attributes:
        for template in rng.sample(ATTRIBUTE_BY_NAME, 2):
            yield _q(template.format(a=attribute.name.casefold(), t=rng.choice(names)), t, "attribute",
                     "generated", attribute.name)
        kinds = [k for k in _ASKED_AS if k in attribute.name.casefold()]
        for kind in kinds[:1]:
            for template in rng.sample(_ASKED_AS[kind], min(3, len(_ASKED_AS[kind]))):
                yield _q(template.format(t=rng.choice(names)), t, "attribute", "generated-meaning", attribute.name)
    for template in rng.sample(TIMELINE, 3):
        yield _q(template.format(t=rng.choice(names)), t, "timeline", "generated")
    years = sorted({e.date.year for e in topic.timeline})
    for year in rng.sample(years, min(2, len(years))):
        yield _q(rng.choice(TIMELINE_YEAR).format(t=rng.choice(names), y=year), t, "timeline", "generated",
                 year=year)
    for template in rng.sample(SOURCES, 2):
        yield _q(template.format(t=rng.choice(names)), t, "sources", "generated")
    everyday = [w for w in re.findall(r"[a-z]+", t.casefold()) if len(w) > 3 and english.rank(w) is not None]
    for word in everyday[:2]:
        yield _q(rng.choice(NEAR_MISS).format(w=word), None, "none", "generated-near-miss")
    own = set(re.findall(r"[a-z]+", " ".join((t, *topic.all_aliases)).casefold()))
    prose = sorted({w for w in re.findall(r"[a-z]+", f"{topic.summary} {topic.description}".casefold())
                    if len(w) > 3 and w not in own and english.is_common(w)})
    for word in rng.sample(prose, min(4, len(prose))):
        yield _q(rng.choice(PROSE_CHAT).format(w=word), None, "none", "generated-prose-chat")
    dated = any(k in a.name.casefold() for a in topic.attributes for k in ("found", "launch", "signed", "force"))
    if not dated:
        yield _q(f"when did {rng.choice(names)} start", t, "timeline", "generated")
    for event in rng.sample(list(topic.timeline), min(2, len(topic.timeline))):
        yield _q("when " + event.text.rstrip(".").casefold(), t, "timeline", "generated-event")
    yield from _described_by_values(topic)


LIST_ALL = ("what topics do you know", "list everything you track", "what can i ask you about",
            "which subjects do you cover")
LIST_SHARED = ("which {w} topics do you have", "list the {w} ones", "what do you track about {w}")
AMBIGUOUS = ("tell me about {w}", "what's up with {w}", "{w}?", "any news on the {w} stuff")


def _name_words(topic: Topic) -> set[str]:
    """The words of a record's names, a plural read as its singular ("robotaxis": "robotaxi")."""
    words = (w for n in (topic.title, *topic.all_aliases) for w in re.findall(r"[a-z0-9]+", n.casefold()))
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words if len(w) > 1}


def generate_across(topics: list[Topic], rng: random.Random, limit: int = 200) -> Iterator[dict[str, Any]]:
    """List questions and ambiguous questions built from words two or more records' names (or two to
    four records' descriptions) share."""
    for template in rng.sample(LIST_ALL, 2):
        yield _q(template, None, "list", "generated-list")
    sharing: dict[str, list[str]] = {}
    for topic in topics:
        for word in _name_words(topic):
            sharing.setdefault(word, []).append(topic.title)
    shared = sorted((w, titles) for w, titles in sharing.items() if 2 <= len(titles) <= 5)
    for word, titles in rng.sample(shared, min(limit, len(shared))):
        yield _q(rng.choice(AMBIGUOUS).format(w=word), None, "summary", "ambiguous", candidates=titles)
        yield _q(rng.choice(LIST_SHARED).format(w=word), None, "list", "generated-list", candidates=titles)
    names = set(sharing)
    describing: dict[str, list[str]] = {}
    for topic in topics:
        for word in _describing_words(topic) - names:
            describing.setdefault(word, []).append(topic.title)
    alike = sorted((w, titles) for w, titles in describing.items() if 2 <= len(titles) <= 4)
    for word, titles in rng.sample(alike, min(limit, len(alike))):
        for template in rng.sample(AMBIGUOUS, 2):
            yield _q(template.format(w=word), None, "summary", "ambiguous", candidates=titles)


#: A value's own word said alone, as another name of the topic ("PAFACA", the act a record's attribute
#: names; "geforce", its maker's product): the topic's summary is asked, not the attribute holding it.
VALUE_ALONE = ("{v}", "{v}?", "anything on {v}", "{v} news")


def generate_value_names(topics: list[Topic], limit: int = 2) -> Iterator[dict[str, Any]]:
    """Questions saying only a word of an attribute's value that no other record writes anywhere and
    that is no everyday English word (at most ``limit`` per record), asking for the record's summary.
    Their own generator, seeded by the titles, so the other questions stay as they were."""
    writing: dict[str, set[str]] = {}
    for topic in topics:
        for word in _all_words(topic):
            writing.setdefault(word, set()).add(topic.title)
    for topic in topics:
        rng = random.Random(f"named by a value {topic.title}")
        own = [w for w in (_value_word(topic, a.value) for a in topic.attributes)
               if w and english.rank(w) is None and w not in _MONTHS and writing.get(w, {topic.title}) == {topic.title}]
        for word in rng.sample(sorted(set(own)), min(limit, len(set(own)))):
            yield _q(rng.choice(VALUE_ALONE).format(v=word), topic.title, "summary", "generated-value-alone")


_MONTHS = frozenset(m.casefold() for m in calendar.month_name if m)


def _all_words(topic: Topic) -> set[str]:
    """Every word a record writes (names, description, summary, attributes, timeline), folded."""
    texts = [topic.title, *topic.all_aliases, topic.description, topic.summary,
             *(f"{a.name} {a.value}" for a in topic.attributes), *(e.text for e in topic.timeline)]
    return {w.casefold() for text in texts for w in re.findall(r"[A-Za-z][\w-]*", text)}


def _describing_words(topic: Topic) -> set[str]:
    """Rare words (no number) a record's title and description use: two or three records sharing one
    ("self-driving", "spacex") are what a question naming only that word may be about."""
    text = f"{topic.title} {topic.description}"
    return {w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z-]+", text)
            if len(w) > 2 and (english.rank(w.casefold()) or _RARE) >= _RARE}


#: English rank from which a word of a description is rare enough to point at the records using it.
_RARE = 10_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=Path, help="a folder of record files")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    files = sorted(args.records.glob("*.txt")) if args.records.is_dir() else []
    if not files:
        sys.exit(f"error: {args.records} is not a folder of record files (*.txt); name one that is")
    topics = []
    for path in files:
        try:
            topics.append(parse_record(path.read_text(encoding="utf-8")))
        except (RecordFormatError, UnicodeDecodeError) as error:
            sys.exit(f"error: {path}: {error}; fix the record or move it out of the folder")
    rows = [row for topic in topics for row in generate(topic, rng)]
    rows += generate_across(topics, rng)
    rows += generate_value_names(topics)
    for i, row in enumerate(rows, start=1):
        row["id"] = f"g{i:05d}"
    try:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    except OSError as error:
        sys.exit(f"error: cannot write {args.out}: {error.strerror}; name a file in a folder that exists")
    print(f"{len(rows)} questions about {len(topics)} records written to {args.out}")


if __name__ == "__main__":
    main()
