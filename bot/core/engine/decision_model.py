"""The learned decisions: three small logistic models read from a weights file shipped in the package.

* **topic**: the probability that a candidate is the topic the question is about (answer or stay
  silent follow from it and a threshold);
* **choice**: the probability that the question fits the best two candidates alike (offer a choice);
* **member**: the probability that a candidate belongs in such a choice (fitted on ambiguous questions);
* **intent**: which of summary, attribute, timeline or sources is asked of a picked topic;
* **attribute**: the probability that one attribute of the topic is the one asked for;
* **listing**: the probability that the message asks which topics there are (all, or on a subject);
* **cues**: which question words point at which attribute names (``attribute_cues``), counted from
  the labelled questions: evidence the attribute and intent models weigh;
* **intent_words**: how much each question word raises or lowers each intent (``intent_words``),
  counted from the labelled questions: evidence the intent model weighs.

Inference is plain numpy: features are standardised with the training set's mean and scale, then
``1 / (1 + exp(-w·x))`` (a softmax over the intents). The files are written by
``python -m benchmarks.train_decisions`` from the project's own labelled data; ``decisions.json``
was fitted with the semantic features, ``decisions-lexical.json`` without them (the model used
when the semantic signal is off).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from bot.core.engine.attribute_cues import AttributeCues
from bot.core.engine.features import (
    ATTRIBUTE_FEATURES,
    CANDIDATE_FEATURES,
    CHOICE_FEATURES,
    INTENT_FEATURES,
    INTENTS,
    LIST_FEATURES,
)
from bot.core.engine.intent_words import NO_INTENT_WORDS, IntentWords

FloatArray = npt.NDArray[np.float64]
FORMAT: Final = 5
WEIGHTS: Final = resources.files("bot.core.engine") / "decisions"


class DecisionModelError(ValueError):
    """A weights file that does not fit this code's features."""


@dataclass(frozen=True)
class Logistic:
    """``sigmoid(((x - mean) / scale) · weights)``; one row of weights per class for a softmax."""

    features: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray  # (features,) or (classes, features)

    def logits(self, rows: FloatArray) -> FloatArray:
        standard = (rows - self.mean) / self.scale
        logits: FloatArray = standard @ (self.weights.T if self.weights.ndim == 2 else self.weights)
        return logits

    def probabilities(self, rows: FloatArray) -> FloatArray:
        chances: FloatArray = 1.0 / (1.0 + np.exp(-self.logits(rows)))
        return chances

    def softmax(self, row: FloatArray) -> FloatArray:
        logits = self.logits(row[None, :])[0]
        exp: FloatArray = np.exp(logits - logits.max())
        shares: FloatArray = exp / exp.sum()
        return shares

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": _rounded(self.mean), "scale": _rounded(self.scale),
                "weights": _rounded(self.weights)}

    @classmethod
    def from_json(cls, data: dict[str, Any], expected: tuple[str, ...], name: str) -> Logistic:
        features = tuple(data["features"])
        if features != expected:
            raise DecisionModelError(f"the {name} model was fitted on other features; retrain it")
        return cls(features, np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64),
                   np.asarray(data["weights"], dtype=np.float64))


@dataclass(frozen=True)
class Thresholds:
    """Where the probabilities become decisions (fitted with the weights, see the trainer)."""

    #: A candidate is answered from this probability (set so chat is answered at most 1 % of the time).
    answer: float
    #: The best candidates are offered as a choice from this probability of the choice model ...
    choice: float
    #: ... each one at least this probable by the member model.
    member: float
    #: An attribute is answered from this probability (else the summary).
    attribute: float
    #: A message is answered with the list of topics from this probability of the listing model.
    listing: float = 0.5


@dataclass(frozen=True)
class DecisionModel:
    topic: Logistic
    choice: Logistic
    member: Logistic
    intent: Logistic
    attribute: Logistic
    listing: Logistic
    thresholds: Thresholds
    meaning: bool  # fitted with the semantic features
    cues: AttributeCues  # learned with the weights: what question words say for attribute names
    intent_words: IntentWords = NO_INTENT_WORDS  # learned with the weights: what question words say for intents

    def to_json(self) -> str:
        data = {
            "format": FORMAT, "meaning": self.meaning, "intents": list(INTENTS),
            "thresholds": {"answer": round(self.thresholds.answer, 6), "choice": round(self.thresholds.choice, 6),
                           "member": round(self.thresholds.member, 6),
                           "attribute": round(self.thresholds.attribute, 6),
                           "listing": round(self.thresholds.listing, 6)},
            "topic": self.topic.to_json(), "choice": self.choice.to_json(),
            "member": self.member.to_json(), "intent": self.intent.to_json(),
            "attribute": self.attribute.to_json(), "listing": self.listing.to_json(),
            "cues": self.cues.to_json(), "intent_words": self.intent_words.to_json(),
        }
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DecisionModel:
        data = json.loads(text)
        if data.get("format") != FORMAT or tuple(data.get("intents", ())) != INTENTS:
            raise DecisionModelError("the decision weights are of another format; retrain them")
        limits = data["thresholds"]
        return cls(Logistic.from_json(data["topic"], CANDIDATE_FEATURES, "topic"),
                   Logistic.from_json(data["choice"], CHOICE_FEATURES, "choice"),
                   Logistic.from_json(data["member"], CANDIDATE_FEATURES, "member"),
                   Logistic.from_json(data["intent"], INTENT_FEATURES, "intent"),
                   Logistic.from_json(data["attribute"], ATTRIBUTE_FEATURES, "attribute"),
                   Logistic.from_json(data["listing"], LIST_FEATURES, "listing"),
                   Thresholds(float(limits["answer"]), float(limits["choice"]), float(limits["member"]),
                              float(limits["attribute"]), float(limits["listing"])),
                   bool(data["meaning"]), AttributeCues.from_json(data["cues"]),
                   IntentWords.from_json(data["intent_words"]))


def shipped_model(meaning: bool) -> DecisionModel:
    """The weights shipped in the package, with or without the semantic features."""
    name = "decisions.json" if meaning else "decisions-lexical.json"
    return DecisionModel.from_json((WEIGHTS / name).read_text(encoding="utf-8"))


def _rounded(array: FloatArray) -> list[Any]:
    rounded: list[Any] = np.round(array, 6).tolist()
    return rounded

