from datetime import date

import pytest

from bot.core.answers import Answer, DateRange
from bot.core.model import Attribute, TimelineEvent
from bot.core.rendering import MESSAGE_LIMIT, PAGE_LIMIT, Renderer, paginate, shorten
from tests.unit.answer_fixtures import make_topic, sample_topics

FARMING = sample_topics()[0]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_summary_shows_description_and_freshness(renderer: Renderer) -> None:
    reply = renderer.render(Answer("q", "summary", topic=FARMING))
    assert reply.title == "Vertical Farming"
    assert FARMING.description in reply.body
    assert reply.freshness == "Last updated 6 Jan 2026 · research retrieved 1 Jan 2026"
    assert reply.freshness in reply.text
    assert reply.links == ("https://en.wikipedia.org/wiki/Vertical_farming",)


def test_attribute_shows_name_and_value(renderer: Renderer) -> None:
    attribute = FARMING.attributes[1]
    reply = renderer.render(Answer("q", "attribute", topic=FARMING, attribute=attribute))
    assert reply.body == "**Main Crops:** Lettuce, basil, microgreens and strawberries."
    assert reply.freshness in reply.text


def test_timeline_lines_have_date_text_and_source(renderer: Renderer) -> None:
    reply = renderer.render(Answer("q", "timeline", topic=FARMING, events=FARMING.timeline[:2]))
    assert "**2021-05-04** — Skyleaf opens its first warehouse farm in Ohio. (Wikipedia)" in reply.body


def test_empty_range_names_the_nearest_events(renderer: Renderer) -> None:
    answer = Answer("q", "timeline", topic=FARMING, nearest_events=FARMING.timeline[:1],
                    date_range=DateRange(date(2019, 1, 1), date(2019, 12, 31), "2019"))
    reply = renderer.render(answer)
    assert reply.body.startswith("Nothing recorded for Vertical Farming in 2019; the nearest events are:")
    assert "2021-05-04" in reply.body


def test_sources_list_links_and_titles_without_links(renderer: Renderer) -> None:
    reply = renderer.render(Answer("q", "sources", topic=FARMING, sources=FARMING.links))
    assert "<https://en.wikipedia.org/wiki/Vertical_farming>" in reply.body
    assert "Why vertical farms fail" in reply.body


def test_list_disambiguation_and_miss(renderer: Renderer) -> None:
    listed = renderer.render(Answer("q", "list", candidates=("A", "B"),
                                    list_filter="farming"))
    assert listed.body.startswith("Topics about farming (2):")
    picked = renderer.render(Answer("q", "summary", candidates=("Lunar Gateway", "Lunar Rovers")))
    assert picked.title == "Did you mean…?"
    assert "- Lunar Rovers" in picked.body
    miss = renderer.render(Answer("q", "none", suggestions=("Skyleaf",)))
    assert miss.body == "I don't know that topic; the closest are: Skyleaf."
    chatter = renderer.render(Answer("lol", "none"))
    assert "I don't have a topic for that" in chatter.body
    assert chatter.freshness is None


def test_huge_topic_stays_within_discord_limits(renderer: Renderer) -> None:
    events = tuple(TimelineEvent(f"Event number {i} " + "word " * 150, date(2000 + i % 25, 1, 1 + i % 28), "Wikipedia")
                   for i in range(60))
    topic = make_topic("Huge " + "T" * 190, "D" * 1000, "S " * 1999,
                       attributes=(Attribute("Long", "v " * 500),), timeline=events)
    for answer in (
        Answer("q", "summary", topic=topic),
        Answer("q", "timeline", topic=topic, events=events),
        Answer("q", "attribute", topic=topic, attribute=topic.attributes[0]),
        Answer("q", "list", candidates=tuple(f"Topic {i} " + "x" * 150 for i in range(300))),
    ):
        reply = renderer.render(answer)
        assert len(reply.text) <= MESSAGE_LIMIT
        assert len(reply.body) <= PAGE_LIMIT
        assert all(len(page) <= PAGE_LIMIT for page in reply.pages)
    timeline_reply = renderer.render(Answer("q", "timeline", topic=topic, events=events))
    assert len(timeline_reply.pages) > 1
    assert "…" in timeline_reply.text
    assert "".join(timeline_reply.pages).count("Event number") == 60


def test_shorten_cuts_between_words_with_a_note() -> None:
    cut = shorten("alpha beta gamma delta", 15, note="…")
    assert cut == "alpha beta…"
    assert paginate("a\nb", limit=1) == ("a", "b")


def test_record_text_is_shown_as_written_not_as_markdown(renderer: Renderer) -> None:
    topic = make_topic(
        "Gift *Cards*",
        "Claim it at [discord.com/gift](https://evil.example) or see https://example.org/a_b_c now.",
        "# Not a heading\n> not a quote __either__",
    )
    reply = renderer.render(Answer("q", "summary", topic=topic))
    assert "\\[discord.com/gift\\](https://evil.example)" in reply.body  # no masked link: both are visible
    assert "https://example.org/a_b_c" in reply.body  # a bare URL stays a working link
    assert reply.text.startswith("**Gift \\*Cards\\***")
    assert "\\# Not a heading" in reply.body
    assert "\\_\\_either\\_\\_" in reply.body


def test_links_that_are_not_strict_urls_are_not_offered(renderer: Renderer) -> None:
    from bot.core.model import WebResult

    topic = make_topic("Links", "A topic with odd links.")
    odd = WebResult("Looks fine", "snippet", url="https://good.example/x>[y](https://evil.example)")
    userinfo = WebResult("Also fine", "snippet", url="https://good.example@evil.example/")
    fine = WebResult("Fine", "snippet", url="https://good.example/page")
    topic = type(topic)(**{**{f: getattr(topic, f) for f in ("title", "description", "first_mentioned",
                                                               "last_updated", "research_retrieved", "summary")},
                           "web_results": (odd, userinfo, fine)})
    reply = renderer.render(Answer("q", "sources", topic=topic))
    assert reply.links == ("https://good.example/page",)
    assert "evil.example" not in reply.body.replace("\\", "")


def test_hints_name_the_front_end_s_own_commands() -> None:
    from bot.core.rendering import CLI_COMMANDS

    miss = Answer("q", "summary")
    assert "/topic list" in Renderer().render(miss).text
    cli_text = Renderer(commands=CLI_COMMANDS).render(miss).text
    assert "`topicbot list`" in cli_text
    assert "/topic" not in cli_text
