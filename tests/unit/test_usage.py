"""Learning from use, the pure parts: records, miss grouping, alias suggestions, stats, follow summaries, stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.core.answers import Answer
from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer
from bot.core.model import Attribute, TimelineEvent
from bot.core.topic_diff import diff_topics
from bot.core.usage.follow import FollowBatcher, follow_message, follow_summary
from bot.core.usage.misses import SecondTries, group_misses
from bot.core.usage.records import AskContext, AskRecord, Candidate, normalise_question, outcome_of, record_of
from bot.core.usage.stale import is_stale, stale_topics
from bot.core.usage.stats import bar_lines, compute_stats, stats_text
from tests.unit.answer_fixtures import make_topic, sample_topics

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def ask(question: str, outcome: str = "miss", *, at: datetime = T0, user: int | None = 7, topic: str | None = None,
        candidates: tuple[Candidate, ...] = (), channel: int | None = 10, intent: str = "none") -> AskRecord:
    return AskRecord(1, channel, question, outcome, intent, topic, candidates, 0.5, at, None, user)  # type: ignore[arg-type]


def test_normalising_a_question_folds_case_punctuation_and_spaces() -> None:
    assert normalise_question("  Who is the CEO   of Skyleaf?! ") == "who is the ceo of skyleaf"
    assert normalise_question("ＳＫＹＬＥＡＦ") == "skyleaf"


def test_outcomes_of_real_answers() -> None:
    answerer = Answerer(TopicIndex((topic, None) for topic in sample_topics()))
    answered = answerer.answer("who is the ceo of skyleaf")
    assert outcome_of(answered, low_confidence=0.0) == "answered"
    assert outcome_of(answered, low_confidence=1.01) == "low_confidence"
    miss = answerer.answer("recipe for apple pie with cinnamon")
    assert outcome_of(miss, low_confidence=0.3) == "miss"
    assert outcome_of(answerer.answer("what topics do you track"), low_confidence=0.3) == "list"


def test_a_disambiguation_records_its_candidates() -> None:
    answer = Answer("skyleaf or ocean", "summary", candidates=("Skyleaf", "Ocean Cleanup"),
                    scores=(("Skyleaf", 70.0), ("Ocean Cleanup", 66.0)))
    record = record_of(answer, AskContext(5, 6, 7), T0, low_confidence=0.3, latency_ms=1.5)
    assert record.outcome == "disambiguation"
    assert record.candidates == (Candidate("Skyleaf", 70.0), Candidate("Ocean Cleanup", 66.0))
    assert (record.guild_id, record.channel_id, record.user_id, record.latency_ms) == (5, 6, 7, 1.5)
    assert record.is_miss


def test_misses_are_grouped_by_text_most_frequent_first_with_closest_topics() -> None:
    records = [
        ask("skyleef ceo", candidates=(Candidate("Skyleaf", 30.0),)),
        ask("skyleef ceo", at=T0 + timedelta(minutes=5), candidates=(Candidate("Skyleaf", 31.0),
                                                                      Candidate("Vertical Farming", 20.0))),
        ask("moon station", outcome="disambiguation", channel=11),
        ask("who runs skyleaf", outcome="answered", topic="Skyleaf"),
        ask("", outcome="miss"),
    ]
    groups = group_misses(records)
    assert [(g.question, g.count) for g in groups] == [("skyleef ceo", 2), ("moon station", 1)]
    assert groups[0].candidates[0] == Candidate("Skyleaf", 31.0)
    assert groups[0].last_seen == T0 + timedelta(minutes=5)
    assert groups[1].outcomes == ("disambiguation",)
    assert groups[1].channels == (11,)


def test_a_miss_then_the_same_members_answer_within_a_minute_suggests_an_alias() -> None:
    tries = SecondTries()
    assert tries.see(ask("skyleef")) is None
    suggestion = tries.see(ask("skyleaf ceo", "answered", at=T0 + timedelta(seconds=40), topic="Skyleaf"))
    assert suggestion is not None
    assert (suggestion.guild_id, suggestion.question, suggestion.topic) == (1, "skyleef", "Skyleaf")


def test_no_suggestion_from_another_member_after_a_minute_or_without_an_id() -> None:
    tries = SecondTries()
    tries.see(ask("skyleef", user=7))
    assert tries.see(ask("skyleaf", "answered", user=8, at=T0 + timedelta(seconds=5), topic="Skyleaf")) is None
    assert tries.see(ask("skyleaf", "answered", user=7, at=T0 + timedelta(seconds=61), topic="Skyleaf")) is None
    tries.see(ask("skyleef", user=None))
    assert tries.see(ask("skyleaf", "answered", user=None, at=T0 + timedelta(seconds=5), topic="Skyleaf")) is None
    tries.see(ask("a very long question that is not really a name of anything at all", user=9))
    assert tries.see(ask("skyleaf", "answered", user=9, at=T0 + timedelta(seconds=5), topic="Skyleaf")) is None


def test_stats_count_topics_intents_answer_rate_and_misses_per_day() -> None:
    records = [
        ask("a", "answered", topic="Skyleaf", intent="summary"),
        ask("b", "answered", topic="Skyleaf", intent="attribute"),
        ask("c", "answered", topic="Ocean Cleanup", intent="summary"),
        ask("d", "miss"),
        ask("e", "feedback", at=T0 + timedelta(days=1), topic="Skyleaf"),
        ask("lol", "chatter"),
    ]
    stats = compute_stats(records, T0 - timedelta(days=7), T0 + timedelta(days=2))
    assert stats.asks == 6
    assert stats.top_topics == (("Skyleaf", 2), ("Ocean Cleanup", 1))
    assert stats.intents == (("summary", 2), ("attribute", 1))
    assert stats.answer_rate == 3 / 5
    assert stats.misses_per_day == ((date(2026, 11, 20), 1), (date(2026, 11, 21), 1))
    text = stats_text(stats)
    assert "answer rate 60%" in text
    assert "Skyleaf" in text


def test_bar_lines_scale_to_the_largest_count() -> None:
    lines = bar_lines([("a", 4), ("bb", 2)], width=4)
    assert lines == ["a  \u2588\u2588\u2588\u2588 4", "bb \u2588\u2588 2"]


def test_follow_summary_names_new_events_and_changed_attributes() -> None:
    before = make_topic("Skyleaf", "The indoor farming company Skyleaf.", attributes=(Attribute("CEO", "Mara Quill."),))
    after = replace(before, attributes=(Attribute("CEO", "Ada Stone."), Attribute("Employees", "400")),
                    timeline=(TimelineEvent("Skyleaf opens a farm in Texas.", date(2026, 11, 1)),))
    lines = follow_summary("Skyleaf", [diff_topics(before, after)])
    assert "\u2022 new event 2026-11-01: Skyleaf opens a farm in Texas." in lines
    assert "\u2022 CEO: Mara Quill. \u2192 Ada Stone." in lines
    assert "\u2022 Employees: 400 (new)" in lines
    assert follow_message("Skyleaf", [diff_topics(before, before)]) is None
    renamed = follow_summary("Skyleaf Farms", [diff_topics(before, replace(before, title="Skyleaf Farms"))])
    assert renamed == ["\u2022 renamed from **Skyleaf** to **Skyleaf Farms**"]


def test_follow_batcher_sends_at_most_one_message_per_topic_and_channel_per_minute() -> None:
    topic = make_topic("Skyleaf", "The indoor farming company Skyleaf.")
    diff = diff_topics(topic, replace(topic, summary="New."))
    batcher = FollowBatcher()
    assert batcher.add(1, 10, "skyleaf", "Skyleaf", diff, T0) == T0
    [first] = batcher.due(T0)
    assert first.diffs == (diff,)
    later = T0 + timedelta(seconds=10)
    assert batcher.add(1, 10, "skyleaf", "Skyleaf", diff, later) == T0 + timedelta(minutes=1)
    batcher.add(1, 10, "skyleaf", "Skyleaf", diff, later + timedelta(seconds=5))
    assert batcher.due(T0 + timedelta(seconds=59)) == []
    [second] = batcher.due(T0 + timedelta(minutes=1))
    assert len(second.diffs) == 2
    assert batcher.add(1, 11, "skyleaf", "Skyleaf", diff, later) == later  # another channel is not held back


def test_stale_topics_are_those_last_updated_before_the_age() -> None:
    old = replace(make_topic("Old", "An old topic."), last_updated=T0 - timedelta(days=400))
    new = replace(make_topic("New", "A new topic."), last_updated=T0 - timedelta(days=3))
    assert is_stale(old, T0, timedelta(days=180))
    assert not is_stale(new, T0, timedelta(days=180))
    assert stale_topics([new, old], T0, timedelta(days=180)) == [old]
