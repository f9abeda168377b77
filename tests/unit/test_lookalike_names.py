"""The made-up look-alike names the trainer learns whom a choice offers from (``benchmarks.lookalike_names``)."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from benchmarks.generate_decision_questions import MISSPELT_STYLE
from benchmarks.lookalike_names import EXACT_STYLE, questions, records


def test_the_same_records_and_questions_every_time() -> None:
    assert [t.title for t in records()] == [t.title for t in records()]
    assert list(questions(records())) == list(questions(records()))


def test_names_come_in_look_alike_groups() -> None:
    titles = [t.title.casefold() for t in records()]
    assert len(titles) == len(set(titles)) > 300
    # Most names have another one or two letters away, or sharing a word.
    near = sum(any(o != t and (Levenshtein.distance(o, t) <= 2 or set(o.split()) & set(t.split())) for o in titles)
               for t in titles)
    assert near > 0.9 * len(titles)


def _spoken(question: str) -> str:
    """The name a generated question asks about, without its template's words."""
    for prefix in ("tell me about ", "what is ", "what's ", "info on "):
        question = question.removeprefix(prefix)
    return question.rstrip("?").casefold()


def test_each_label_holds_against_the_names() -> None:
    topics = records()
    titles = {t.title for t in topics}
    folded = {t.casefold() for t in titles}
    asked = list(questions(topics))
    assert {q["style"] for q in asked} == {MISSPELT_STYLE, EXACT_STYLE, "ambiguous"}
    for q in asked:
        if q["style"] == "ambiguous":
            assert q["topic"] is None and len(q["candidates"]) >= 2 and set(q["candidates"]) <= titles
        else:
            assert q["topic"] in titles and not q.get("candidates")
        if q["style"] == MISSPELT_STYLE:
            # A slip spells no other name, and is nearer its own name than any other.
            spoken = _spoken(q["q"])
            own = Levenshtein.distance(spoken, q["topic"].casefold())
            assert spoken not in folded
            assert all(Levenshtein.distance(spoken, t) > own for t in folded - {q["topic"].casefold()})


def test_a_slip_as_near_two_names_asks_for_both() -> None:
    topics = records()
    folded = {t.title.casefold() for t in topics}
    shorts = {a.casefold() for t in topics for a in t.aliases}
    slips = [q for q in questions(topics) if q["style"] == "ambiguous"
             and _spoken(q["q"]) not in {w for t in q["candidates"] for w in t.casefold().split()} | shorts]
    assert len(slips) > 10
    for q in slips:
        spoken = _spoken(q["q"])
        nearest = min(Levenshtein.distance(spoken, t) for t in folded)
        assert {Levenshtein.distance(spoken, t.casefold()) for t in q["candidates"]} == {nearest}
