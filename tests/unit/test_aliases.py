"""Other names of a topic: derived from its own parentheticals, or added by moderators."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.aliases import derive_aliases
from bot.core.model import Topic
from bot.core.record_format import parse_record

RECORDS_DIR = Path(__file__).resolve().parents[1] / "data" / "records"
_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def make_topic(title: str, description: str, summary: str = "A summary.", aliases: tuple[str, ...] = ()) -> Topic:
    return Topic(
        title=title,
        description=description,
        first_mentioned=_AT,
        last_updated=_AT,
        research_retrieved=_AT,
        summary=summary,
        aliases=aliases,
    )


def records_by_title() -> dict[str, Topic]:
    topics = (parse_record(path.read_bytes().decode("utf-8")) for path in RECORDS_DIR.glob("*.txt"))
    return {topic.title: topic for topic in topics}


def test_parenthesised_acronym_is_an_alias() -> None:
    assert derive_aliases("Small Modular Reactors", "Small modular reactors (SMRs) are fission reactors.") == ("SMRs",)


def test_or_inside_parentheses_gives_both_names() -> None:
    text = "Generative artificial intelligence (Generative AI or GenAI) is a subfield of AI."
    assert derive_aliases("Generative AI Tools", text) == ("Generative AI", "GenAI")


def test_commas_and_slashes_split_names() -> None:
    assert derive_aliases("Stablecoins", "Coins such as (USDT, USDC) and (PYUSD/EURC).") == (
        "USDT", "USDC", "PYUSD", "EURC",
    )


@pytest.mark.parametrize(
    "aside",
    [
        "(2019)",
        "(in 2024)",
        "(March 2025)",
        "(roughly a third)",
        "(see below)",
        "(e.g. solar)",
        "(Source: Wikipedia)",
        "(formerly Google X)",
        "(A very long parenthetical aside that goes on)",
    ],
)
def test_years_lowercase_asides_and_long_notes_are_not_aliases(aside: str) -> None:
    assert derive_aliases("Waymo", f"Waymo {aside} runs driverless taxis.") == ()


def test_title_and_repeats_are_not_aliases() -> None:
    text = "Bitcoin (Bitcoin) is a currency (BTC); people trade it (btc) daily (BTC)."
    assert derive_aliases("Bitcoin", text) == ("BTC",)


def test_aliases_come_from_every_text_in_order() -> None:
    assert derive_aliases("Nuclear Fusion", "Fusion at the (NIF).", "Plasma in (JET) and (ITER).") == (
        "NIF", "JET", "ITER",
    )


def test_topic_derives_aliases_from_description_and_summary() -> None:
    topic = make_topic(
        "GLP-1 Drugs",
        "Medicines that mimic glucagon-like peptide-1 (GLP-1).",
        "Also called GLP-1 receptor agonists (GLP-1 RAs).",
    )
    assert topic.derived_aliases == ("GLP-1", "GLP-1 RAs")
    assert topic.aliases == ()


def test_moderator_aliases_are_kept_apart_from_derived_ones() -> None:
    topic = make_topic("Small Modular Reactors", "Small modular reactors (SMRs).", aliases=("mini nukes",))
    assert topic.aliases == ("mini nukes",)
    assert topic.derived_aliases == ("SMRs",)
    assert topic.all_aliases == ("mini nukes", "SMRs")


def test_all_aliases_drops_case_insensitive_duplicates_keeping_the_moderator_spelling() -> None:
    topic = make_topic("Small Modular Reactors", "Small modular reactors (SMRs).", aliases=("smrs", "Mini Reactors"))
    assert topic.all_aliases == ("smrs", "Mini Reactors")


def test_derived_aliases_do_not_affect_equality() -> None:
    plain = make_topic("Bitcoin", "A currency (BTC).")
    preset = Topic(
        title="Bitcoin",
        description="A currency (BTC).",
        first_mentioned=_AT,
        last_updated=_AT,
        research_retrieved=_AT,
        summary="A summary.",
        derived_aliases=("Something Else",),
    )
    assert preset.derived_aliases == ("Something Else",)
    assert plain == preset


def test_moderator_aliases_do_affect_equality() -> None:
    assert make_topic("Bitcoin", "A currency.") != make_topic("Bitcoin", "A currency.", aliases=("BTC",))


@pytest.mark.parametrize(
    ("title", "alias"),
    [
        ("Small Modular Reactors", "SMRs"),
        ("Bitcoin", "BTC"),
        ("Nuclear Fusion", "NIF"),
        ("Stablecoins", "USDC"),
        ("Tesla Robotaxi", "FSD"),
        ("Anthropic", "LLMs"),
    ],
)
def test_sample_records_yield_their_acronyms(title: str, alias: str) -> None:
    topic = records_by_title()[title]
    assert alias in topic.derived_aliases
    assert topic.aliases == ()


def test_derived_aliases_never_repeat_a_title_or_hold_a_year() -> None:
    for topic in records_by_title().values():
        for alias in topic.derived_aliases:
            assert alias.casefold() != topic.title.casefold()
            assert re.search(r"\d{4}", alias) is None
            assert len(alias.split()) <= 3


def test_background_sections_are_not_searched_for_aliases() -> None:
    # A background section describes a related subject, so its acronyms name that subject instead.
    seed = records_by_title()["AI Training Data"]
    assert "(Generative AI or GenAI)" in seed.background[0].paragraph
    assert "GenAI" not in seed.derived_aliases
