"""The engine's shape: read once, rank, decide, build; its parameters as given; its import graph."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import bot.core.engine.tokens as tokens
from bot.core.engine import Answerer, MatchParams, TopicIndex, read
from bot.core.engine.outcomes import Chatter, Choice, Listing, Miss, Pick
from tests.unit.answer_fixtures import make_topic, sample_index, sample_topics

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "bot" / "core" / "engine"


@pytest.fixture
def normalised_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text ``tokens.normalize`` is called with, wherever a module imported it from."""
    seen: list[str] = []
    original: Callable[[str], str] = tokens.normalize

    def counting(text: str) -> str:
        seen.append(text)
        return original(text)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("bot.") and getattr(module, "normalize", None) is original:
            monkeypatch.setattr(module, "normalize", counting)
    return seen


@pytest.mark.parametrize("question", [
    "<@123> who is the CEO of the indoor farming company Skyleaf in 2024 ?? thx",  # a pick
    "what happened with the ocean plastic barriers since 2018",  # timeline
    "lunar gateway vs lunar rovers",  # a choice between two named parts
    "what farming company topics do you track",  # a filtered list
    "my favourite pizza place closed down yesterday",  # a miss
])
def test_the_question_is_normalised_exactly_once(question: str, normalised_texts: list[str]) -> None:
    answerer = Answerer(sample_index())
    normalised_texts.clear()
    answerer.with_related(answerer.answer(question))
    phrase = " ".join(question.split()[2:5]).casefold()  # three words from the middle of the question
    assert sum(phrase in text.casefold() for text in normalised_texts) == 1


def test_read_gives_every_step_what_it_needs() -> None:
    query = read("<@1> **When** did SKYLEAF open its farms in March 2021?")
    assert query.words == ("when", "did", "skyleaf", "open", "its", "farms", "in", "march", "2021")
    assert query.capitals == frozenset({"skyleaf"})
    assert query.intent_cue == "timeline"
    assert query.date_range is not None and query.date_range.label == "march 2021"
    assert query.content_words == ["skyleaf", "open", "farms", "march", "2021"]
    assert query.asks


def test_each_outcome_kind_is_decided() -> None:
    answerer = Answerer(sample_index())
    assert isinstance(answerer.outcome(read("who is the ceo of skyleaf")), Pick)
    assert isinstance(answerer.outcome(read("lunar gateway or lunar rovers")), Choice)
    assert isinstance(answerer.outcome(read("which lunar topics do you have")), Listing)
    assert isinstance(answerer.outcome(read("best pizza in town")), Miss)
    assert isinstance(answerer.outcome(read("lol <@1> 👍")), Chatter)


def test_a_pick_carries_the_topic_itself_and_what_was_asked_of_it() -> None:
    outcome = Answerer(sample_index()).outcome(read("who is the ceo of skyleaf"))
    assert isinstance(outcome, Pick)
    assert outcome.topic == next(t for t in sample_topics() if t.title == "Skyleaf")
    assert (outcome.intent, outcome.attribute and outcome.attribute.name) == ("attribute", "CEO")
    assert outcome.best.title == "Skyleaf" and outcome.best.score > 0


def test_the_index_scores_with_the_parameters_it_was_given() -> None:
    # ``most_of_name`` above 1 means no question ever says enough of a name for the name bonus: a
    # question that is exactly one topic's title then scores (1 - name_bonus) of the default's 100.
    default = TopicIndex((t, None) for t in sample_topics())
    strict = TopicIndex(((t, None) for t in sample_topics()), params=replace(MatchParams(), most_of_name=1.5))
    assert default.rank("skyleaf")[0].score == 100.0
    assert strict.rank("skyleaf")[0].score == pytest.approx(100.0 * (1.0 - MatchParams().name_bonus))
    # and the autocomplete labels are cut at the index's own limit
    short = TopicIndex(((t, None) for t in sample_topics()), params=replace(MatchParams(), label_limit=8))
    assert short.autocomplete("vertical")[0][0] == "Vertica…"


def _imports(path: Path) -> Iterator[str]:
    """Modules imported at run time by ``path`` (imports under ``if TYPE_CHECKING:`` excluded); for
    ``from package import name`` the submodule ``package.name`` when there is one, else the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_checking = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    hidden = {id(child) for block in type_checking for child in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                is_module = (ROOT / Path(*submodule.split("."))).with_suffix(".py").exists()
                yield submodule if is_module else node.module


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_engine_import_graph_has_no_cycle() -> None:
    modules = {_module_name(p): p for p in ENGINE.rglob("*.py")}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in visiting, " -> ".join((*trail, name))
        if name in done:
            return
        visiting.add(name)
        for target in sorted(graph[name]):
            visit(target, (*trail, name))
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_nothing_outside_the_engine_imports_its_modules() -> None:
    # The bot's other packages use the engine through its __init__ only; tests and benchmarks measure
    # its parts and may reach into them.
    offenders = []
    for folder in ("bot",):
        for path in (ROOT / folder).rglob("*.py"):
            if ENGINE in path.parents:
                continue
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in _imports(path)
                          if m.startswith("bot.core.engine.")]
    assert offenders == []


@pytest.mark.parametrize("message", ["x", "y", "<@1> y", "x?"])
def test_a_message_of_single_letters_is_never_answered(message: str) -> None:
    index = sample_index()
    index.upsert(make_topic("Letter Cars", "Electric cars named Model X and Model Y."), None)
    answer = Answerer(index).answer(message)
    assert answer.topic is None and not answer.candidates and answer.chatter
    assert Answerer(index).answer("model y").topic is not None  # a letter beside a word still counts
