"""Issue 22: the dashboard's topic list is paginated, filtered and counted in SQL: a request reads one
page of rows (never every topic with its parts), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.config import DashboardSettings
from bot.core.changes import Author
from bot.core.record_format import format_record
from bot.core.storage import TopicRepository, TopicWrite
from bot.dashboard.topic_pages import PAGE_SIZE
from tests.conftest import StoreBackend, build_topic
from tests.dashboard.conftest import GUILD, Site, make_site

SHARED, OWN = 2_000, 500
LOADER = Author("loader", "cli")


def _title(number: int) -> str:
    return f"Solar Farm {number:04d}" if number % 100 == 0 else f"Topic {number:04d}"


async def _fill(repository: TopicRepository) -> None:
    for guild_id, numbers in ((None, range(SHARED)), (GUILD, range(SHARED, SHARED + OWN))):
        async with repository.batch(guild_id=guild_id, author=LOADER) as batch:
            topics = [build_topic(_title(n), aliases=("Sunny Place",) if n == 7 else ()) for n in numbers]
            await batch.add_many([TopicWrite(t, format_record(t)) for t in topics])


@pytest.fixture
async def big(store_backend: StoreBackend) -> AsyncIterator[Site]:
    async for built in make_site(store_backend, DashboardSettings()):
        await _fill(built.repository)
        await built.sign_in()
        yield built


def _titles(page: str) -> list[str]:
    return re.findall(r'<td><a href="[^"]*">([^<]+)</a></td>', page)


def _link(page: str, text: str) -> str:
    found = re.search(rf'<a href="([^"]+)"(?: rel="\w+")?>{text}</a>', page)
    assert found is not None, text
    return found.group(1).replace("&amp;", "&")


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every SQL statement any engine sends while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def test_the_first_page_shows_a_page_of_rows_and_links_to_the_others(big: Site) -> None:
    everything = sorted(_title(n) for n in range(SHARED + OWN))
    page = (await big.client.get("/topics")).text
    assert "2500 of 2500 topics (page 1 of 50: 1 to 50)" in page
    assert _titles(page) == everything[:PAGE_SIZE]
    assert 'rel="prev"' not in page and '<strong aria-current="page">1</strong>' in page
    second = (await big.client.get(_link(page, "Next"))).text
    assert "(page 2 of 50: 51 to 100)" in second and _titles(second) == everything[PAGE_SIZE:2 * PAGE_SIZE]
    last = (await big.client.get(_link(page, "50"))).text
    assert _titles(last) == everything[-PAGE_SIZE:] and 'rel="next"' not in last
    assert _titles((await big.client.get(_link(second, "Previous"))).text) == everything[:PAGE_SIZE]
    beyond = (await big.client.get("/topics?page=999")).text  # past the end: the last page
    assert _titles(beyond) == everything[-PAGE_SIZE:]
    assert _titles((await big.client.get("/topics?page=x")).text) == everything[:PAGE_SIZE]


async def test_the_filters_are_applied_in_sql_and_kept_in_the_page_links(big: Site) -> None:
    solar = (await big.client.get("/topics?q=SOLAR+farm")).text
    assert "25 of 2500 topics." in solar and len(_titles(solar)) == 25
    assert all(title.startswith("Solar Farm") for title in _titles(solar))
    assert _titles((await big.client.get("/topics?q=sunny")).text) == ["Topic 0007"]  # another name
    assert "0 of 2500 topics." in (await big.client.get("/topics?q=100%25")).text  # LIKE wildcards are literal
    own = (await big.client.get("/topics?show=guild")).text
    assert "500 of 2500 topics (page 1 of 10: 1 to 50)" in own
    assert _titles(own)[0] == "Solar Farm 2000" and "This server's" in html.unescape(own)
    following = _link(own, "Next")
    assert "show=guild" in following
    assert "(page 2 of 10: 51 to 100)" in (await big.client.get(following)).text
    csrf = await big.csrf()
    assert (await big.client.post("/topic/hide", data={"csrf": csrf, "title": "Topic 0005"})).status_code == 303
    hidden = (await big.client.get("/topics?show=hidden")).text
    assert _titles(hidden) == ["Topic 0005"] and "(hidden here)" in hidden
    stale = (await big.client.get("/topics?stale=1&show=shared")).text  # test topics' research is from 2025
    assert "2000 of 2500 topics" in stale


async def test_a_request_reads_one_page_of_rows_not_every_topic(big: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the topic list loaded every topic")

    monkeypatch.setattr(TopicRepository, "list", refuse)
    monkeypatch.setattr(TopicRepository, "list_all", refuse)
    with _statements() as seen:
        page = await big.client.get("/topics?page=3&q=topic")
    assert page.status_code == 200 and len(_titles(page.text)) == PAGE_SIZE
    on_topics = [s for s in seen if re.search(r"\bFROM topics\b", s)]
    assert len(on_topics) == 3  # the page's rows, the matches counted, the list counted
    rows = [s for s in on_topics if "count(" not in s.lower()]
    assert len(rows) == 1 and re.search(r"\bLIMIT\b", rows[0]) and re.search(r"\bOFFSET\b", rows[0])
    for table in ("topic_attributes", "topic_timeline_events", "topic_web_results", "topic_background_sections",
                  "topic_revisions"):
        assert not any(table in s for s in seen), table
