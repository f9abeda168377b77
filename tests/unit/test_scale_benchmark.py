"""``benchmarks.scale`` end to end on a corpus of the project's own test records, so it cannot rot.

Only what it reports is checked (sizes, question counts, shares between 0 and 1), never a timing.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from rapidfuzz.distance import DamerauLevenshtein

from benchmarks import scale
from benchmarks.labels import read_labels
from bot.core.engine import TopicIndex
from bot.core.record_format import parse_record

DATA = Path(__file__).resolve().parent.parent / "data"
RECORDS = sorted((DATA / "records").glob("*.txt"))
SHARES = ("top1", "scan_top1", "off_topic_rejected", "scan_off_topic_rejected", "autocomplete_found",
          "autocomplete_found_typo")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like a ``gen_corpus.py`` corpus: ``topics/*.txt`` and ``questions.jsonl``."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "topics").mkdir()
    for record in RECORDS:
        shutil.copy(record, folder / "topics" / record.name)
    shutil.copy(DATA / "questions.jsonl", folder / "questions.jsonl")
    return folder


def test_reports_each_size_with_the_questions_about_its_records(corpus: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.json"
    assert scale.main(["--corpus", str(corpus), "--n", "10", str(len(RECORDS)), "--json", str(out),
                       "--warm-related", "--rebuild"]) == 0

    small, full = json.loads(out.read_text(encoding="utf-8"))
    first_ten = {parse_record(p.read_text(encoding="utf-8")).title for p in RECORDS[:10]}
    labels = read_labels(corpus / "questions.jsonl")
    assert (small["n"], small["topics"], small["imported"]) == (10, 10, 10)
    assert (full["topics"], full["questions"]) == (len(RECORDS), len(labels))
    assert small["questions"] == len(scale.questions_for(labels, first_ten, None)) < full["questions"]
    for result in (small, full):
        assert result["answerable"] > 0 and result["off_topic"] > 0
        assert result["autocomplete_probes"] == result["questions"]
        assert all(0.0 <= result[share] <= 1.0 for share in SHARES)
        # Every step was taken and reported: the index made by the import, a start loading it, a
        # rebuild, the whole replies before and after the "see also" lists were computed ahead.
        for figure in ("index_s", "first_startup_s", "cold_startup_s", "reply_first_mean_ms", "related_warm_s",
                       "reply_mean_ms", "reply_p99_ms", "scan_mean_ms"):
            assert isinstance(result[figure], float), figure
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| topics |") and len(table) == 4
    assert table[2].startswith("| 10 | ") and table[3].startswith(f"| {len(RECORDS)} | ")


def test_an_alias_several_topics_share_is_read_from_the_titles_file(tmp_path: Path) -> None:
    titles = tmp_path / "titles.tsv"
    titles.write_text("Belra AI\tBELR\nBelra Motors\tBELR|BMOT\nAiko Marsh\tMarsh\nDana Marsh\tMarsh\n"
                      "Quil\t\n", encoding="utf-8")
    shared = scale.shared_names(titles)
    assert shared == {"belr": {"Belra AI", "Belra Motors"}, "marsh": {"Aiko Marsh", "Dana Marsh"}}
    assert scale.names_several({"q": "tell me about BELR", "topic": "Belra Motors"}, shared)
    assert scale.names_several({"q": "what's Marsh?", "topic": "Dana Marsh"}, shared)
    # Its own alias, a name no other topic goes by, or a shared alias that is not this topic's.
    assert not scale.names_several({"q": "tell me about BMOT", "topic": "Belra Motors"}, shared)
    assert not scale.names_several({"q": "belramotors", "topic": "Belra Motors"}, shared)
    assert not scale.names_several({"q": "marsh", "topic": "Quil"}, shared)
    assert not scale.names_several({"q": "tell me about Dana Marsh", "topic": "Dana Marsh"}, shared)
    assert scale.shared_names(tmp_path / "missing.tsv") == {}


def test_reuses_a_kept_store_and_caps_the_questions(corpus: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "store-{n}.db")
    assert scale.main(["--corpus", str(corpus), "--n", "5", "--store", store, "--max-questions", "1",
                       "--json", str(tmp_path / "first.json")]) == 0
    assert (tmp_path / "store-5.db").is_file()
    assert scale.main(["--corpus", str(corpus), "--n", "5", "--store", store, "--skip-import", "--max-questions",
                       "3", "--json", str(tmp_path / "again.json")]) == 0
    (first,) = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    (again,) = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert (first["topics"], first["questions"]) == (5, 1)
    assert (again["topics"], again["questions"], again["import_s"]) == (5, 3, None)
    # Without --warm-related the second round of replies reads the lists the first round computed.
    assert first["related_warm_s"] is None and isinstance(first["reply_mean_ms"], float)


@pytest.mark.parametrize(("argv", "says"), [
    (["--n", "5", "--skip-import"], "--skip-import needs --store"),
    (["--n", "500"], "no corpus has 500 records"),
    (["--n", "5", "10", "--store", "kept.db", "--skip-import"], "one store per size"),
])
def test_a_usage_mistake_is_one_line_and_exit_2(corpus: Path, argv: list[str], says: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert scale.main(["--corpus", str(corpus), *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_typo_is_one_slip_after_the_first_letter() -> None:
    rng = random.Random(7)
    for text in ("Waymo", "Small Modular Reactors", "EU AI Act", "GLP"):
        slipped = scale.with_typo(text, rng)
        assert slipped[0] == text[0]
        assert DamerauLevenshtein.distance(text, slipped) == 1


def test_autocomplete_probes_are_prefixes_of_names_every_second_with_a_typo() -> None:
    index = TopicIndex((parse_record(p.read_text(encoding="utf-8")), None) for p in RECORDS)
    probes = scale.autocomplete_probes(index, 40)
    assert [has_typo for _, _, has_typo in probes] == [False, True] * 20
    for typed, title, has_typo in probes:
        topic = index.get(title)
        assert topic is not None
        if not has_typo:
            assert len(typed) >= 3
            assert any(name.startswith(typed) for name in (topic.title, *topic.all_aliases))
