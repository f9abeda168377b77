from datetime import date

import pytest

from bot.core.engine.reading import clean_question, parse_date_range, read


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("<@123456789> what is skyleaf", "what is skyleaf"),
        ("<@!42> <@&7> <#9> skyleaf", "skyleaf"),
        ("skyleaf <:farm:123456> 🌱🌱", "skyleaf"),
        ("**skyleaf** `ceo` ||pls||", "skyleaf ceo"),
        ("> quoted line\nskyleaf?", "quoted line skyleaf?"),
        ("see https://example.com/x skyleaf thx", "see skyleaf"),
        ("!ask vertical farming pls", "vertical farming"),
        ("yo bot whats up with skyleaf lol", "whats up with skyleaf"),
    ],
)
def test_discord_noise_is_removed(raw: str, cleaned: str) -> None:
    assert clean_question(raw) == cleaned


def test_mention_with_emoji_only_has_no_content() -> None:
    assert read("<@123> 👍").is_empty


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("in 2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("since 2023", date(2023, 1, 1), None),
        ("March 2024", date(2024, 3, 1), date(2024, 3, 31)),
        ("2022-2024", date(2022, 1, 1), date(2024, 12, 31)),
        ("from 2022 to 2024", date(2022, 1, 1), date(2024, 12, 31)),
        ("before 2020", None, date(2019, 12, 31)),
        ("news from 2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("in the 2010s", date(2010, 1, 1), date(2019, 12, 31)),
    ],
)
def test_date_ranges(text: str, start: date | None, end: date | None) -> None:
    found = parse_date_range(text)
    assert found is not None
    assert (found.start, found.end) == (start, end)


def test_no_date_range_without_a_year() -> None:
    assert parse_date_range("what happened with skyleaf") is None


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("which topics do you track", "list"),
        ("links for skyleaf", "sources"),
        ("where can i read more about skyleaf", "sources"),
        ("when did skyleaf open", "timeline"),
        ("skyleaf news", "timeline"),
        ("skyleaf in 2024", "timeline"),
        ("tell me about skyleaf", "summary"),
        ("when will farms be cheap", "summary"),
    ],
)
def test_intent_cues(text: str, cue: str) -> None:
    assert read(text).intent_cue == cue


def test_list_filter_and_versus_parts() -> None:
    assert read("what farming topics do you track").list_filter == ("farming",)
    assert read("list topics about the moon").list_filter == ("moon",)
    assert [part.words for part in read("lunar gateway vs lunar rovers").versus] == [("lunar", "gateway"),
                                                                                     ("lunar", "rovers")]


def test_a_year_between_a_determiner_and_a_noun_names_a_thing_not_a_time() -> None:
    assert parse_date_range("the 2019 treaty on ocean plastic") is None
    assert read("the 2019 treaty on ocean plastic").intent_cue is None
    assert parse_date_range("the 2019 timeline of the treaty") == parse_date_range("2019")
    assert parse_date_range("what happened to the treaty in 2019") == parse_date_range("2019")


@pytest.mark.parametrize("raw", ["what's new with skyleaf", "whats new with skyleaf", "what's happening with skyleaf"])
def test_whats_new_asks_for_the_timeline(raw: str) -> None:
    assert read(raw).intent_cue == "timeline"
