"""The domain model: limits, validation, attribute lookup and links."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from bot.core.errors import FieldTooLongError
from bot.core.model import (
    LIMITS,
    Attribute,
    BackgroundSection,
    TimelineEvent,
    Topic,
    WebResult,
    check_length,
)

_AT = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


def make_topic(**changes: object) -> Topic:
    fields: dict[str, object] = {
        "title": "Starlink",
        "description": "Broadband from a swarm of satellites in low Earth orbit (LEO).",
        "first_mentioned": _AT,
        "last_updated": _AT,
        "research_retrieved": _AT,
        "summary": "Thousands of satellites.",
        "attributes": (Attribute("Operator", "SpaceX"), Attribute("Monthly Price", "About $100")),
        "timeline": (TimelineEvent("First launch.", date(2019, 5, 24), "Wikipedia"),),
        "background": (BackgroundSection("Satellite internet", "Internet access by satellite."),),
        "web_results": (WebResult("Starlink", "Home page.", "https://www.starlink.com/"),),
        **changes,
    }
    return Topic(**fields)  # type: ignore[arg-type]


def test_limits_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        LIMITS["title"] = 5  # type: ignore[index]


def test_check_length_accepts_the_limit_and_refuses_one_more() -> None:
    check_length("alias", "a" * LIMITS["alias"])
    with pytest.raises(FieldTooLongError) as caught:
        check_length("alias", "a" * (LIMITS["alias"] + 1))
    assert (caught.value.field, caught.value.limit, caught.value.length) == ("alias", 100, 101)


_OVER_LIMIT: list[tuple[str, dict[str, object]]] = [
    ("title", {"title": "x" * (LIMITS["title"] + 1)}),
    ("description", {"description": "x" * (LIMITS["description"] + 1)}),
    ("attribute_name", {"attributes": (Attribute("n" * (LIMITS["attribute_name"] + 1), "v"),)}),
    ("attribute_value", {"attributes": (Attribute("n", "v" * (LIMITS["attribute_value"] + 1)),)}),
    ("event_text", {"timeline": (TimelineEvent("e" * (LIMITS["event_text"] + 1), date(2020, 1, 1)),)}),
    ("event_source", {"timeline": (TimelineEvent("e", date(2020, 1, 1), "s" * (LIMITS["event_source"] + 1)),)}),
    ("section_heading", {"background": (BackgroundSection("h" * (LIMITS["section_heading"] + 1), "p"),)}),
    ("section_paragraph", {"background": (BackgroundSection("h", "p" * (LIMITS["section_paragraph"] + 1)),)}),
    ("result_title", {"web_results": (WebResult("t" * (LIMITS["result_title"] + 1), "s"),)}),
    ("result_snippet", {"web_results": (WebResult("t", "s" * (LIMITS["result_snippet"] + 1)),)}),
    ("result_url", {"web_results": (WebResult("t", "s", "https://x.org/" + "u" * LIMITS["result_url"]),)}),
    ("alias", {"aliases": ("a" * (LIMITS["alias"] + 1),)}),
]


@pytest.mark.parametrize(("field", "changes"), _OVER_LIMIT)
def test_validate_names_the_field_over_its_limit(field: str, changes: dict[str, object]) -> None:
    with pytest.raises(FieldTooLongError) as caught:
        make_topic(**changes).validate()
    assert caught.value.field == field
    assert caught.value.limit == LIMITS[field]
    assert caught.value.length > caught.value.limit


def test_every_limit_has_an_over_limit_case() -> None:
    # The summary is checked through parse_record in test_record_format.
    assert {field for field, _ in _OVER_LIMIT} | {"summary"} == set(LIMITS)


def test_valid_topic_passes_validation() -> None:
    make_topic().validate()


def test_topics_are_frozen() -> None:
    topic = make_topic()
    with pytest.raises(dataclasses.FrozenInstanceError):
        topic.title = "Other"  # type: ignore[misc]


def test_attribute_lookup_ignores_case() -> None:
    topic = make_topic()
    assert topic.attribute("monthly price") == Attribute("Monthly Price", "About $100")
    assert topic.attribute("MONTHLY PRICE") == Attribute("Monthly Price", "About $100")
    assert topic.attribute("Subscribers") is None


def test_result_links_put_the_own_url_first_and_skip_repeats() -> None:
    result = WebResult(
        "Coverage",
        "Maps at https://www.starlink.com/map, and the home page https://www.starlink.com/ again.",
        url="https://www.starlink.com/",
    )
    assert result.links == ("https://www.starlink.com/", "https://www.starlink.com/map")


@pytest.mark.parametrize(
    ("snippet", "link"),
    [
        ("See https://example.org/page.", "https://example.org/page"),
        ("(details at https://example.org/a_b)", "https://example.org/a_b"),
        ("Is it at https://example.org/faq?", "https://example.org/faq"),
        ('Linked as "https://example.org/q?x=1&y=2".', "https://example.org/q?x=1&y=2"),
        ("Plain http://example.org/ works too", "http://example.org/"),
    ],
)
def test_inline_links_drop_surrounding_punctuation(snippet: str, link: str) -> None:
    assert WebResult("t", snippet).links == (link,)


def test_text_without_a_scheme_has_no_links() -> None:
    assert WebResult("t", "Visit example.org or www.example.org for more.").links == ()


def test_topic_links_span_all_results_without_duplicates() -> None:
    topic = make_topic(
        web_results=(
            WebResult("a", "Also https://b.example/x", "https://a.example/"),
            WebResult("b", "Again https://a.example/ and https://b.example/x"),
            WebResult("c", "No link here."),
        )
    )
    assert topic.links == ("https://a.example/", "https://b.example/x")


def test_name_key_ignores_invisible_characters_compatibility_forms_and_case() -> None:
    from bot.core.names import name_key

    assert name_key("Way\u200bmo") == name_key("\uff37\uff21\uff39\uff2d\uff2f") == name_key("waymo") == "waymo"
    assert name_key("\u202eWaymo\u202c") == "waymo"


def test_matching_normalises_away_invisible_characters() -> None:
    from bot.core.engine.tokens import normalize

    assert normalize("who runs Way\u200bmo?") == normalize("who runs Waymo?") == "who runs waymo"


def test_an_alias_that_looks_like_the_title_or_another_alias_is_refused() -> None:
    import pytest

    from bot.core import editing
    from bot.core.errors import EditError
    from tests.conftest import build_topic

    topic = editing.add_alias(build_topic("Waymo"), "Robotaxi")
    with pytest.raises(EditError, match="already has the alias"):
        editing.add_alias(topic, "Way\u200bmo")
    with pytest.raises(EditError, match="already has the alias"):
        editing.add_alias(topic, "\uff32obotaxi")
    assert editing.remove_alias(topic, "ROBO\u200bTAXI").aliases == ()


@pytest.mark.parametrize("url", ["https://example.org/a b", "https://example.org/<x>", "javascript:alert(1)",
                                 "ftp://example.org/", "https://user@evil.example/", "https:///nohost",
                                 "https://example.org/\"quoted\""])
def test_strict_urls_refuse_spaces_brackets_other_schemes_and_user_names(url: str) -> None:
    from bot.core.model import is_valid_url

    assert not is_valid_url(url)


def test_strict_urls_accept_ordinary_links() -> None:
    from bot.core.model import is_valid_url

    assert is_valid_url("https://en.wikipedia.org/wiki/Waymo_(company)?a=1#History")
    assert is_valid_url("http://127.0.0.1:8080/x")


def test_name_key_of_ascii_text_is_the_full_unicode_rule() -> None:
    import unicodedata

    from bot.core.names import name_key, strip_invisible

    def full_rule(name: str) -> str:
        return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", strip_invisible(name)).casefold())

    samples = ["".join(chr(c) for c in range(128)), "Waymo", "SMRs (Small Modular Reactors)", "", "A-Z_09 \t~"]
    for sample in [*samples, *(chr(c) for c in range(128))]:
        assert name_key(sample) == full_rule(sample)
