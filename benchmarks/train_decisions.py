"""Fit the answer engine's decisions from the project's own data: ``python -m benchmarks.train_decisions``.

Reads the project's records (``tests/data/records``) and the training-only records
(``benchmarks/data/decisions/records/``, when present), indexed together; the project's tuning
questions (``tests/data/questions.jsonl``, ``questions.fresh.jsonl``), the hand-written training
questions (``benchmarks/data/decisions/questions.train.jsonl`` and, about the training-only records,
``records.questions.jsonl``) and chat lines (``chat.train.txt``, ``chat.extra.txt``), and questions
generated from every record (``benchmarks.generate_decision_questions``, seeded), and made-up
look-alike names with their questions (``benchmarks.lookalike_names``, seeded; they teach only whom a
choice offers). The held-out files
(``questions.heldout.jsonl``, ``questions.blind.jsonl``) are never read. For every question it
computes the engine's own features (``bot.core.engine.features``) and fits three L2-regularised
logistic models by Newton's method in numpy (deterministic; no training library): topic, intent (one
against the rest, read as a softmax) and attribute. Figures are cross-validated by topic: the folds
split the topics, so a question is always judged by a model that never saw a question about its
topic (chat lines are spread over the folds, ``FOLD_REPEATS`` ways, and the thresholds set on all
the spreadings together). The answer threshold is the lowest one at which at
most ``--chat-budget`` of the chat lines (``chat.train.txt``, ``chat.extra.txt``; near-misses train
the model but do not set the budget) get an answer out of fold; the precision/recall curve is
printed around it.

Writes ``bot/core/engine/decisions/decisions.json`` (with the semantic features, bundled model) and
``decisions-lexical.json`` (without), or to ``--out DIR``. ``tests/unit/test_decision_weights.py``
checks that the shipped files are what this command writes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from benchmarks import lookalike_names
from benchmarks.command_line import UsageError, run_reporting_usage
from benchmarks.generate_decision_questions import MISSPELT_STYLE, generate, generate_across, generate_value_names
from bot.core.engine import TopicIndex, read
from bot.core.engine.answering import QuestionMeaning
from bot.core.engine.attribute_cues import AttributeCues, CueExample, learn_cues
from bot.core.engine.attributes import attribute_evidence, beside_names
from bot.core.engine.decision_model import WEIGHTS, DecisionModel, Logistic, Thresholds
from bot.core.engine.features import (
    ATTRIBUTE_FEATURES,
    CANDIDATE_FEATURES,
    CHOICE_FEATURES,
    INTENT_FEATURES,
    INTENTS,
    LIST_FEATURES,
    attribute_features,
    choice_features,
    list_features,
    query_features,
)
from bot.core.engine.intent_words import IntentExample, IntentWords, learn_intent_words
from bot.core.engine.learned_deciding import (
    LearnedMeaningSignal,
    beside,
    best_attribute,
    candidate_rows,
    candidates_of,
    intent_row,
    own_words,
)
from bot.core.engine.ranking import rank
from bot.core.engine.reading import Query
from bot.core.model import Topic
from bot.core.record_format import parse_record

Matrix = npt.NDArray[np.float64]
Example = TypeVar("Example")
Learned = TypeVar("Learned")
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
OWN = ROOT / "benchmarks" / "data" / "decisions"
TUNING = (DATA / "questions.jsonl", DATA / "questions.fresh.jsonl", OWN / "questions.train.jsonl")
#: Chat lines: every one must stay unanswered, and they set the answer threshold (``--chat-budget``).
CHAT = (OWN / "chat.train.txt", OWN / "chat.extra.txt")


@dataclass(frozen=True)
class World:
    """Records and the questions asked about them, ranked against an index of those records alone."""

    records: Path
    questions: tuple[Path, ...]
    chat: tuple[Path, ...] = ()


#: The project's records with its tuning questions and the chat lines; and the training-only records
#: (look-alike groups sharing a name word: ambiguity to learn from) with their own questions. Kept
#: apart: the training-only records are about everyday subjects (football, game consoles, Apple) that
#: chat lines talk about, so a chat line is no negative against them.
WORLDS = (World(DATA / "records", TUNING, CHAT),
          World(OWN / "records", (OWN / "records.questions.jsonl",)))
SEED = 20
FOLDS = 5
L2 = 1.0
#: The questions about no topic (chat lines, ambiguous and list questions) are spread over the folds
#: this many times, each time differently, and the thresholds set on all the runs' out-of-fold
#: probabilities together: with one spreading, which chat lines a fold's model was fitted without
#: moved the lexical answer threshold between 0.56 and 0.61 and the member threshold between 0.1
#: and 0.4.
FOLD_REPEATS = 16
#: Choice thresholds getting this many fewer questions right than the best (per run) still count as the best.
CHOICE_SLACK = 1.0
#: A message is answered with the list of topics from this probability of the listing model.
LISTING_THRESHOLD = 0.5
#: A question written by a person weighs this many generated ones (``question_weight``).
WRITTEN_WEIGHT = 1.0


@dataclass
class Rows:
    x: list[list[float]] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    group: list[int] = field(default_factory=list)  # fold of each row
    question: list[int] = field(default_factory=list)  # index of the question each row belongs to

    def add(self, x: list[float], y: float, group: int, question: int) -> None:
        self.x.append(x)
        self.y.append(y)
        self.group.append(group)
        self.question.append(question)

    def arrays(self) -> tuple[Matrix, Matrix, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return (np.array(self.x, dtype=np.float64), np.array(self.y, dtype=np.float64),
                np.array(self.group, dtype=np.int64), np.array(self.question, dtype=np.int64))


def fit(x: Matrix, y: Matrix, l2: float = L2, iterations: int = 50, balanced: bool = False,
        sample_weight: Matrix | None = None) -> Logistic:
    """L2-regularised logistic regression by Newton's method on standardised features; column 0 is
    the bias (every feature list starts with it) and is not penalised. ``balanced``: each class
    weighs as much as the other in total (for a rare class, such as ambiguous questions)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    constant = scale < 1e-9
    mean[constant] = 0.0
    scale[constant] = 1.0
    mean[0], scale[0] = 0.0, 1.0
    z = (x - mean) / scale
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    w = np.zeros(x.shape[1])
    weight = np.ones(len(y)) if sample_weight is None else sample_weight.copy()
    if balanced and 0.0 < y.sum() < len(y):
        weight *= np.where(y > 0.5, 0.5 * len(y) / y.sum(), 0.5 * len(y) / (len(y) - y.sum()))
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (weight * (p - y)) + penalty * w
        hessian = (z * (weight * p * (1.0 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return Logistic((), mean, scale, w)


def named(model: Logistic, features: tuple[str, ...]) -> Logistic:
    return Logistic(features, model.mean, model.scale, model.weights)


def labels(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def world_records(world: World) -> list[Topic]:
    return [parse_record(p.read_text(encoding="utf-8")) for p in sorted(world.records.glob("*.txt"))]


def training_questions(topics: Sequence[Topic], world: World = WORLDS[0], number: int = 0) -> list[dict[str, Any]]:
    """The labelled, generated and chat questions of one world (``number``: its place in ``WORLDS``)."""
    rng = random.Random(SEED)
    found = [label for path in world.questions if path.exists() for label in labels(path)]
    generated = [row for topic in topics for row in generate(topic, rng)] + list(generate_across(list(topics), rng))
    generated += generate_value_names(list(topics))
    found += [{**row, "generated": True} for row in generated]
    found += [{"q": line.strip(), "topic": None, "intent": "none", "attribute": None, "style": "chat"}
              for path in world.chat if path.exists()
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**label, "world": number} for label in found]


#: The label's key marking a question about the look-alike names (``lookalike_names``).
LOOKALIKE = "lookalike"


def teaches_choice_only(label: dict[str, Any]) -> bool:
    """Misspelt names teach only whether to offer a choice and whom; the look-alike names' questions
    only whom (``train``)."""
    return label.get("style") == MISSPELT_STYLE or bool(label.get(LOOKALIKE))


def question_weight(label: dict[str, Any]) -> float:
    """How much a question weighs in fitting the intent model: one written by a person counts
    ``WRITTEN_WEIGHT`` times one generated from a record's fields (templates say the same few things
    many times over). (A remark in passing asks no intent of a topic: the intent model never sees one.)"""
    return 1.0 if label.get("generated") else WRITTEN_WEIGHT


def wanted_titles(label: dict[str, Any]) -> set[str]:
    named_titles = {label["topic"], *label.get("alt", [])}
    if label.get("style") == "ambiguous":
        named_titles |= set(label.get("candidates") or [])
    return {t for t in named_titles if t}


@dataclass
class Features:
    topic: Rows
    attribute: Rows
    intent_inputs: list[tuple[int, int, Any]]  # (question, fold, (query, topic, named)) for the intent model
    pair_inputs: dict[int, tuple[list[float], list[Any]]]  # question -> (its query features, candidate scores)
    questions: list[dict[str, Any]]
    folds: list[int]
    candidate_titles: list[str]  # per topic row
    listing: Rows  # one row per question: does it ask for the list of topics?
    versus: set[int] = field(default_factory=set)  # questions naming parts ("X vs Y"): ``decide`` offers their choice


def folds_of(questions: list[dict[str, Any]], spreading: int = 0) -> list[int]:
    """Each question's fold: by its topic; a question about no topic by its text and ``spreading``
    (``FOLD_REPEATS``), so that adding a question moves no other question's fold."""
    # The look-alike names' topics after the others, so that adding them moves no other topic's fold.
    titles = sorted({q["topic"] for q in questions if q.get("topic") and not teaches_choice_only(q)})
    titles += sorted({q["topic"] for q in questions if q.get("topic")} - set(titles))
    fold_of_topic = {title: i % FOLDS for i, title in enumerate(titles)}
    return [fold_of_topic[label["topic"]] if label.get("topic")
            else zlib.crc32(f"{spreading} {label['q']}".encode()) % FOLDS for label in questions]


def teaching_examples(indexes: Sequence[TopicIndex], questions: list[dict[str, Any]], queries: Sequence[Query]
                      ) -> tuple[list[CueExample | None], list[IntentExample | None]]:
    """Per question about a topic, what it teaches the attribute cues (its words beside the topic's
    names, the topic's attribute names and the one asked for) and the intent words (its words beside
    the names and its intent); ``None``: a chat line, a list request, or a question that teaches only
    choices, and for the cues also an attribute question labelled with no attribute."""
    cues: list[CueExample | None] = []
    intents: list[IntentExample | None] = []
    for label, query in zip(questions, queries, strict=True):
        topic = indexes[label.get("world", 0)].get(label["topic"]) if label.get("topic") else None
        if topic is None or label["intent"] not in INTENTS or teaches_choice_only(label):
            cues.append(None)
            intents.append(None)
            continue
        asks_none = label["intent"] == "attribute" and not label.get("attribute")
        cues.append(None if asks_none else CueExample(beside_names(query.words, topic),
                                                      [a.name for a in topic.attributes], label.get("attribute")))
        intents.append(IntentExample(query.without_words(own_words(topic)).words, label["intent"]))
    return cues, intents


def without_each_fold(learn: Callable[[Iterable[Example]], Learned], examples: Sequence[Example | None],
                      folds: Sequence[int]) -> list[Learned]:
    """What ``learn`` makes of the examples without each fold's questions: a question's features never
    use what its own topic's questions taught (the shipped tables are learned from all of them)."""
    return [learn(e for e, f in zip(examples, folds, strict=True) if e is not None and f != held)
            for held in range(FOLDS)]


def fold_cues(examples: list[CueExample | None], folds: list[int]) -> list[AttributeCues]:
    """The attribute cues learned without each fold's questions."""
    return without_each_fold(learn_cues, examples, folds)


def fold_intent_words(examples: list[IntentExample | None], folds: list[int]) -> list[IntentWords]:
    """The intent words learned without each fold's questions."""
    return without_each_fold(learn_intent_words, examples, folds)


def extract(indexes: Sequence[TopicIndex], questions: list[dict[str, Any]], queries: Sequence[Query],
            meanings: Sequence[Any], folds: list[int], cues: Sequence[AttributeCues], all_cues: AttributeCues
            ) -> Features:
    """Every question's features (``queries``: each read once), ranked against the index of its world
    (``label["world"]``), with the attribute cues learned without its fold (``cues``: one per fold);
    a question about no topic taught the cues nothing, and is read with all of them (``all_cues``, as
    the bot reads it), so that its features are the same in whichever fold it is."""
    topic_rows, attribute_rows, listing_rows = Rows(), Rows(), Rows()
    intent_inputs: list[tuple[int, int, Any]] = []
    pair_inputs: dict[int, tuple[list[float], list[Any]]] = {}
    titles_of_rows: list[str] = []
    versus: set[int] = set()
    for n, label in enumerate(questions):
        fold = folds[n]
        query = queries[n]
        index = indexes[label.get("world", 0)]
        ranking = rank(index, query, None)
        best = ranking.ranked[0].score if ranking.ranked else None
        listing_rows.add(list_features(query, best), float(label["intent"] == "list"), fold, n)
        if query.is_empty or label["intent"] == "list":
            continue
        meaning: LearnedMeaningSignal | None = meanings[label.get("world", 0)](query)
        candidates = candidates_of(ranking, meaning)
        wanted = wanted_titles(label)
        read_with = cues[fold] if label.get("topic") else all_cues
        for row, candidate in zip(candidate_rows(query, candidates, meaning, read_with), candidates, strict=True):
            topic_rows.add(row, float(candidate.topic.title in wanted), fold, n)
            titles_of_rows.append(candidate.topic.title)
        pair_inputs[n] = (query_features(query), [c.score for c in candidates])
        if len(query.versus) >= 2:
            versus.add(n)
        topic = index.get(label["topic"]) if label.get("topic") else None
        if topic is None or label["intent"] not in INTENTS:
            continue
        if label["intent"] == "attribute" and label.get("attribute") and topic.attributes:
            evidence = attribute_evidence(query.words, topic, cues[fold])
            cosines = None if meaning is None else meaning.attribute_cosines(topic, beside(query, topic))
            for i, item in enumerate(evidence):
                attribute_rows.add(attribute_features(evidence, i, cosines),
                                   float(item.attribute.name == label["attribute"]), fold, n)
        score = next((c.score for c in candidates if c.topic.title == topic.title and c.score is not None), None)
        intent_inputs.append((n, fold, (query, topic, bool(score and score.named), meaning)))
    return Features(topic_rows, attribute_rows, intent_inputs, pair_inputs, questions, folds, titles_of_rows,
                    listing_rows, versus)


def intent_matrix(features: Features, attribute: Logistic, cues: Sequence[AttributeCues],
                  said: Sequence[IntentWords]) -> tuple[Matrix, Matrix, npt.NDArray[np.int64], Matrix]:
    x, y, groups, weights = [], [], [], []
    models = [provisional(attribute, learned) for learned in cues]  # one per fold
    for n, fold, (query, topic, is_named, meaning) in features.intent_inputs:
        if teaches_choice_only(features.questions[n]):
            continue  # misspelt and look-alike names teach only about choices
        asked = query.without_words(own_words(topic))
        best, chance = best_attribute(query, topic, meaning, models[fold])
        x.append(intent_row(asked, is_named, best, chance, topic, meaning, said[fold]))
        y.append(INTENTS.index(taught_intent(features.questions[n]["intent"], query, topic, meaning, cues[fold])))
        groups.append(fold)
        weights.append(question_weight(features.questions[n]))
    return np.array(x), np.array(y), np.array(groups), np.array(weights)


def taught_intent(intent: str, query: Query, topic: Topic, meaning: LearnedMeaningSignal | None,
                  cues: AttributeCues) -> str:
    """The intent a question teaches: its label, except that without the semantic signal an attribute
    asked only by meaning ("who's the boss at Nvidia" in words no attribute name, cue or value holds)
    teaches the summary. Without meaning nothing tells which attribute such a question wants, and
    the model learning "an attribute" from it answers other questions with leftover words ("the
    company that makes chatgpt") with whichever attribute the prior favours; the summary is the
    answer that holds what is known."""
    if intent != "attribute" or meaning is not None:
        return intent
    evidence = attribute_evidence(query.words, topic, cues)
    return intent if any(e.direct + e.cue + e.value > 0 for e in evidence) else "summary"


def fit_intents(x: Matrix, y: Matrix, weight: Matrix | None = None) -> Logistic:
    models = [fit(x, (y == k).astype(np.float64), sample_weight=weight) for k in range(len(INTENTS))]
    return Logistic(INTENT_FEATURES, models[0].mean, models[0].scale, np.vstack([m.weights for m in models]))


def _blank(features: tuple[str, ...], classes: int | None = None) -> Logistic:
    """A model of ``features`` with every weight 0 (one row per class when ``classes`` is given)."""
    shape = (len(features),) if classes is None else (classes, len(features))
    return Logistic(features, np.zeros(len(features)), np.ones(len(features)), np.zeros(shape))


def provisional(attribute: Logistic, cues: AttributeCues, thresholds: Thresholds | None = None) -> DecisionModel:
    """A model holding only a fitted attribute model and the attribute cues (for the intent features)."""
    blank = _blank(CANDIDATE_FEATURES)
    return DecisionModel(blank, _blank(CHOICE_FEATURES), blank, _blank(INTENT_FEATURES, len(INTENTS)), attribute,
                         _blank(LIST_FEATURES), thresholds or Thresholds(0.5, 0.5, 0.5, 0.5), False, cues)


def out_of_fold(x: Matrix, y: Matrix, groups: npt.NDArray[np.int64], balanced: bool = False,
                trained: npt.NDArray[np.bool_] | None = None) -> Matrix:
    """Each row's probability from a model fitted on the other folds (only on the ``trained`` rows)."""
    predicted = np.zeros(len(y))
    usable = np.ones(len(y), dtype=np.bool_) if trained is None else trained
    for fold in range(FOLDS):
        held = groups == fold
        if held.any() and (~held & usable).any():
            predicted[held] = fit(x[~held & usable], y[~held & usable], balanced=balanced).probabilities(x[held])
    return predicted


def train(meaning: bool, chat_budget: float, report: bool) -> DecisionModel:
    indexes, meanings, questions = [], [], []
    for world in WORLDS:
        topics = world_records(world)
        if not topics:
            continue
        index = TopicIndex((t, None) for t in topics)
        indexes.append(index)
        meanings.append(_meaning(index, topics) if meaning else (lambda query: None))
        questions += training_questions(topics, world, len(indexes) - 1)
    # The misspelt names last, then the look-alike names, so that every other question keeps its fold.
    questions = ([q for q in questions if q.get("style") != MISSPELT_STYLE]
                 + [q for q in questions if q.get("style") == MISSPELT_STYLE])
    lookalikes = lookalike_names.records()
    index = TopicIndex((t, None) for t in lookalikes)
    indexes.append(index)
    meanings.append(_meaning(index, lookalikes) if meaning else (lambda query: None))
    questions += [{**q, "world": len(indexes) - 1, LOOKALIKE: True} for q in lookalike_names.questions(lookalikes)]
    folds = folds_of(questions)
    queries = [read(label["q"]) for label in questions]
    examples, taught = teaching_examples(indexes, questions, queries)
    per_fold = fold_cues(examples, folds)
    cues = learn_cues(e for e in examples if e is not None)
    features = extract(indexes, questions, queries, meanings, folds, per_fold, cues)
    intent_words = learn_intent_words(e for e in taught if e is not None)
    tx, ty, _, tquestion = features.topic.arrays()
    ax, ay, agroups, _ = features.attribute.arrays()

    attribute = named(fit(ax, ay), ATTRIBUTE_FEATURES)
    # Misspelt whole names (every world's) and the look-alike names teach only about choices: the topic
    # model, and so the answer threshold the chat budget sets, is fitted without them; their rows are
    # predicted out of fold like every other.
    choice_only = np.array([teaches_choice_only(q) for q in questions])
    misspelt = choice_only[tquestion]
    spreadings = [np.array(folds_of(questions, k), dtype=np.int64) for k in range(FOLD_REPEATS)]
    topic_oofs = [out_of_fold(tx, ty, spread[tquestion], trained=~misspelt) for spread in spreadings]
    per_question = [best for oof in topic_oofs for best in _best_per_question(oof, ty, tquestion, len(questions))]
    answer = _answer_threshold(per_question, questions * FOLD_REPEATS, chat_budget)
    # Whom a choice offers is learned from the project's world, the misspelt names and the look-alike
    # names; whether to offer one from the first two only, and its thresholds from the project's
    # world: the training-only records are look-alike groups made for ambiguity, far more often
    # ambiguous than what a bot is asked, and the look-alike names' easy choices (a shared surname)
    # would outvote the project's few hard ones.
    teaches_member = choice_only | np.array([q.get("world", 0) == 0 for q in questions])
    teaches_choice = teaches_member & ~np.array([bool(q.get(LOOKALIKE)) for q in questions])
    home = teaches_member[tquestion]
    in_choice = _choice_members(features)
    member_model = named(fit(tx[home], in_choice[home]), CANDIDATE_FEATURES)
    chances: list[float] = []  # per run and question the choice model decides: out of fold, 0 when not answered
    ambiguous: list[float] = []
    offered: list[list[tuple[float, bool]]] = []
    taught_x, taught_y = [], []  # the choice model is fitted on every spreading's rows
    for spread, topic_oof in zip(spreadings, topic_oofs, strict=True):
        member_oof = np.zeros(len(in_choice))
        member_oof[home] = out_of_fold(tx[home], in_choice[home], spread[tquestion][home])
        cx, cy, _, members, cquestion = _pairs(features, tx, topic_oof, member_oof, tquestion)
        chome = teaches_choice[cquestion]
        choice_oof = np.zeros(len(cy))
        choice_oof[chome] = out_of_fold(cx[chome], cy[chome], spread[cquestion][chome])
        taught_x.append(cx[chome])
        taught_y.append(cy[chome])
        # A choice is an answer too: only from the answer threshold, so the chat budget holds for it.
        answered = cx[:, CHOICE_FEATURES.index("first")] >= answer
        # The thresholds are set on the questions the choice model decides: "X vs Y" naming two topics
        # is offered as a choice by its parts before the model is asked (it still teaches the model).
        own = [i for i, home_row in enumerate(chome) if home_row and cquestion[i] not in features.versus]
        chances += list((choice_oof * answered)[own])
        ambiguous += list(cy[own])
        offered += [members[i] for i in own]
    choice_model = named(fit(np.concatenate(taught_x), np.concatenate(taught_y)), CHOICE_FEATURES)
    choice, member = _choice_thresholds(np.array(chances), np.array(ambiguous), offered, FOLD_REPEATS)
    attribute_oof = out_of_fold(ax, ay, agroups)
    ix, iy, igroups, iweight = intent_matrix(features, attribute, per_fold, fold_intent_words(taught, folds))
    intent_oof = np.zeros((len(iy), len(INTENTS)))
    for fold in range(FOLDS):
        held = igroups == fold
        if held.any():
            model = fit_intents(ix[~held], iy[~held], iweight[~held])
            intent_oof[held] = [model.softmax(row) for row in ix[held]]
    attribute_threshold = _attribute_threshold(intent_oof, iy, ix)
    lx, ly, lgroups, lquestion = features.listing.arrays()
    listing_oof = out_of_fold(lx, ly, lgroups)
    thresholds = Thresholds(answer, choice, member, attribute_threshold, LISTING_THRESHOLD)
    final = DecisionModel(named(fit(tx[~misspelt], ty[~misspelt]), CANDIDATE_FEATURES), choice_model, member_model,
                          fit_intents(ix, iy, iweight), attribute, named(fit(lx, ly), LIST_FEATURES), thresholds,
                          meaning, cues, intent_words)
    if report:
        _report(meaning, questions, per_question, answer, chat_budget, intent_oof, iy, attribute_oof, ay,
                features.attribute.question)
        _report_choices(np.array(chances), np.array(ambiguous), offered, choice, member, FOLD_REPEATS)
        _report_listing(listing_oof, ly, [questions[i] for i in lquestion])
    return final


def _meaning(index: TopicIndex, topics: Sequence[Topic]) -> Any:  # noqa: ANN401
    from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

    semantic = SemanticIndex(load_embedder("bundled"), MemoryVectorCache())
    semantic.upsert_many((t, None) for t in topics)
    return lambda query: QuestionMeaning(semantic, index, query, None)


def _best_per_question(p: Matrix, y: Matrix, question: npt.NDArray[np.int64], count: int
                       ) -> list[tuple[float, bool]]:
    """Per question: the highest out-of-fold probability and whether that candidate is right."""
    best: list[tuple[float, bool]] = [(0.0, False)] * count
    for chance, right, n in zip(p, y, question, strict=True):
        if chance > best[n][0]:
            best[n] = (float(chance), bool(right))
    return best


def _answer_threshold(best: list[tuple[float, bool]], questions: list[dict[str, Any]], budget: float) -> float:
    chat = sorted((c for (c, _), q in zip(best, questions, strict=True) if q.get("style") == "chat"), reverse=True)
    allowed = int(budget * len(chat))
    return float(min(0.99, chat[allowed] + 1e-6)) if len(chat) > allowed else 0.5


def _choice_members(features: Features) -> Matrix:
    """Per topic row: the candidate is one of its question's labelled candidates and the question is
    ambiguous (every other candidate, the topic of a plain question too, is no member of a choice)."""
    return np.array([float(features.questions[n].get("style") == "ambiguous"
                           and features.candidate_titles[i] in wanted_titles(features.questions[n]))
                     for i, n in enumerate(features.topic.question)], dtype=np.float64)


def _pairs(features: Features, x: Matrix, chances: Matrix, belongs: Matrix, question: npt.NDArray[np.int64]
           ) -> tuple[Matrix, Matrix, npt.NDArray[np.int64], list[list[tuple[float, bool]]], list[int]]:
    """The choice model's rows (one per question with two candidates or more, from out-of-fold topic
    probabilities), its labels (the question is ambiguous) and, per row, each candidate's
    out-of-fold member probability and whether it is one of the labelled candidates; and the question
    of each row."""
    rows_of: dict[int, list[int]] = {}
    for i, n in enumerate(question):
        rows_of.setdefault(int(n), []).append(i)
    cx, cy, groups, members, asked_by = [], [], [], [], []
    for n, (asked, scores) in features.pair_inputs.items():
        label = features.questions[n]
        rows = rows_of.get(n, [])
        if len(rows) < 2:
            continue
        order = sorted(range(len(rows)), key=lambda k: (-chances[rows[k]], k))
        ranked = [rows[k] for k in order]
        cx.append(choice_features(asked, [list(x[i]) for i in ranked], [scores[k] for k in order],
                                  [float(chances[i]) for i in ranked]))
        cy.append(float(label.get("style") == "ambiguous"))
        groups.append(features.folds[n])
        asked_by.append(n)
        wanted = wanted_titles(label)
        members.append([(float(belongs[i]), (scores[k].title if scores[k] else "") in wanted)
                        for i, k in zip(ranked, order, strict=True)])
    return np.array(cx), np.array(cy), np.array(groups), members, asked_by


def _choice_thresholds(chance: Matrix, ambiguous: Matrix, members: list[list[tuple[float, bool]]], runs: int
                       ) -> tuple[float, float]:
    """The choice model's threshold and the member probability a candidate of a choice needs: the pair
    that gets most questions right out of fold, all ``runs`` together (a choice on an ambiguous
    question offering two labelled candidates or more, no choice on the others); within
    ``CHOICE_SLACK`` questions per run of the best, the higher pair (fewer choices),
    and a member needs at least 0.1: below it the fifty-odd ambiguous questions decide a threshold
    that lets near-certain answers ("harbour lantern festival" against "Lantern Harbour Festival")
    become choices."""
    found: list[tuple[float, float, float]] = []
    for t in (0.0, *np.arange(0.2, 0.95, 0.05), 0.95, 0.97, 0.99):
        for m in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            right = 0.0
            for c, is_ambiguous, offered in zip(chance, ambiguous, members, strict=True):
                chosen = c >= t and sum(p >= m for p, _ in offered) >= 2
                right += (chosen and sum(p >= m and ok for p, ok in offered) >= 2) if is_ambiguous else not chosen
            found.append((right, round(float(t), 2), m))
    most = max(right for right, _, _ in found)
    # Within one question per run of the best, the highest thresholds: fewer choices, and a pair that a small
    # change of the training data does not move.
    _, t, m = max((f for f in found if f[0] >= most - CHOICE_SLACK * runs), key=lambda f: (f[1], f[2]))
    return t, m


def _report_choices(chance: Matrix, ambiguous: Matrix, members: list[list[tuple[float, bool]]],
                    threshold: float, member: float, runs: int) -> None:
    """Out of fold, at the shipped thresholds, per run on average: ambiguous questions given a choice
    of two labelled candidates or more, and other questions given a choice."""
    given = right = wrong = 0
    for c, is_ambiguous, offered in zip(chance, ambiguous, members, strict=True):
        chosen = c >= threshold and sum(p >= member for p, _ in offered) >= 2
        if is_ambiguous:
            given += 1
            right += chosen and sum(p >= member and ok for p, ok in offered) >= 2
        else:
            wrong += chosen
    print(f"choice {threshold:.2f}, member {member:.2f}, out of fold (the project's records; mean of {runs} runs): "
          f"{right / runs:.1f} of {given // runs} ambiguous questions given a choice; "
          f"{wrong / runs:.1f} of {(len(ambiguous) - given) // runs} others given one")


def _report_listing(chance: Matrix, listed: Matrix, questions: list[dict[str, Any]]) -> None:
    chat = np.array([q.get("style") == "chat" for q in questions])
    said = chance >= LISTING_THRESHOLD
    right = int((said & (listed == 1)).sum())
    print(f"list requests, out of fold: {right} of {int(listed.sum())} found, {int((said & (listed == 0)).sum())} "
          f"other messages taken for one (of {int((listed == 0).sum())}; chat lines {int((said & chat).sum())} "
          f"of {int(chat.sum())})")


def _attribute_threshold(intent_oof: Matrix, intent: Matrix, x: Matrix) -> float:
    """The attribute probability from which an attribute answer beats the summary, out of fold."""
    column = INTENT_FEATURES.index("attr_probability")
    best_t, best_right = 0.0, -1
    for t in np.arange(0.0, 0.9, 0.05):
        predicted = intent_oof.argmax(axis=1)
        demoted = np.where((predicted == INTENTS.index("attribute")) & (x[:, column] < t), INTENTS.index("summary"),
                           predicted)
        right = int((demoted == intent).sum())
        if right > best_right:
            best_t, best_right = round(float(t), 2), right
    return best_t


def _report(meaning: bool, questions: list[dict[str, Any]], best: list[tuple[float, bool]], answer: float,
            budget: float, intent_oof: Matrix, iy: Matrix, attribute_oof: Matrix, ay: Matrix,
            attribute_question: list[int]) -> None:
    name = "with meaning" if meaning else "lexical"
    runs = len(best) // len(questions)  # ``best``: every run's per-question figures, one run after the other
    chat = [c for (c, _), q in zip(best, questions * runs, strict=True) if q.get("style") == "chat"]
    answerable = [(c, ok) for (c, ok), q in zip(best, questions * runs, strict=True)
                  if q.get("topic") and not q.get(LOOKALIKE)]
    print(f"== {name}: {len(questions)} questions ({len(answerable) // runs} about a topic, "
          f"{len(chat) // runs} chat lines)")
    print(f"answer threshold {answer:.3f} (chat budget {budget:.1%}); cross-validated by topic, {FOLDS} folds, "
          f"the questions about no topic spread over them {runs} ways (the curve: all the runs together)")
    print("threshold  precision  recall  chat answered")
    for t in sorted({round(x, 2) for x in np.arange(0.1, 0.95, 0.1)} | {answer}):  # the shipped one exactly
        given = [ok for c, ok in answerable if c >= t]
        precision = sum(given) / len(given) if given else 0.0
        recall = sum(given) / len(answerable) if answerable else 0.0
        wrong_chat = sum(c >= t for c in chat) / len(chat) if chat else 0.0
        print(f"  {t:7.4f}  {precision:9.1%}  {recall:6.1%}  {wrong_chat:12.1%}")
    intent_right = (intent_oof.argmax(axis=1) == iy).mean() if len(iy) else 0.0
    print(f"intent (given the right topic), out of fold: {intent_right:.1%} of {len(iy)}")
    predicted = intent_oof.argmax(axis=1)
    print("  labelled: predicted summary/attribute/timeline/sources; " + "  ".join(
        f"{INTENTS[k]} {int((iy == k).sum())}: "
        + "/".join(str(int(((iy == k) & (predicted == j)).sum())) for j in range(len(INTENTS)))
        for k in range(len(INTENTS))))
    hits = 0
    by_question: dict[int, list[tuple[float, float]]] = {}
    for chance, right, n in zip(attribute_oof, ay, attribute_question, strict=True):
        by_question.setdefault(n, []).append((float(chance), float(right)))
    for rows in by_question.values():  # ties go to the first attribute, as ``np.argmax`` does when answering
        hits += max(rows, key=lambda row: row[0])[1] == 1.0
    print(f"attribute (given the topic), out of fold: {hits / max(1, len(by_question)):.1%} of {len(by_question)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.train_decisions",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=None, help="folder for the weights (default: the package's)")
    parser.add_argument("--chat-budget", type=float, default=0.01, help="share of chat lines that may be answered")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    return run_reporting_usage(parser, _train_and_write, args)


def _train_and_write(args: argparse.Namespace) -> int:
    out = args.out or Path(str(WEIGHTS))
    if not 0.0 < args.chat_budget < 1.0:
        raise UsageError(f"--chat-budget {args.chat_budget}: give a share between 0 and 1 (0.01: 1 %)")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a folder")
    out.mkdir(parents=True, exist_ok=True)
    for meaning, file_name in ((True, "decisions.json"), (False, "decisions-lexical.json")):
        model = train(meaning, args.chat_budget, not args.quiet)
        (out / file_name).write_text(model.to_json(), encoding="utf-8")
    if not args.quiet:
        print(f"weights written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
