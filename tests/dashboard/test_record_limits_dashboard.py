"""Issue 22: the dashboard's editor, its uploads and the push API refuse a record over the ``[limits]`` with
the line naming the record, the limit and the size, and change nothing."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date

import pytest

from bot.config import DashboardSettings
from bot.core.changes import Author
from bot.core.model import TimelineEvent
from bot.core.record_format import format_record
from bot.core.record_limits import RecordLimits
from tests.conftest import StoreBackend, build_topic
from tests.dashboard.conftest import GUILD, Site, make_site
from tests.dashboard.test_dashboard_http import _editor_form
from tests.dashboard.test_push_api import _bearer, _token

SOMEONE = Author("someone", "discord", 7)
#: ``build_topic`` has two timeline events: one more is over.
LIMITS = RecordLimits(timeline_events=2, record_bytes=5_000)


@pytest.fixture
async def limited(sqlite_backend: StoreBackend) -> AsyncIterator[Site]:
    async for built in make_site(sqlite_backend, DashboardSettings(api=True)):
        built.repository.limits = LIMITS
        yield built


def _three_events() -> tuple[TimelineEvent, ...]:
    return (*build_topic().timeline, TimelineEvent("A third event.", date(2025, 1, 2)))


async def test_the_editor_refuses_an_event_over_the_limit_and_keeps_the_form(limited: Site) -> None:
    await limited.editor.add(build_topic(), author=SOMEONE, guild_id=GUILD)
    await limited.sign_in()
    form = _editor_form((await limited.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    form.update({"event-2-date": "2025-01-02", "event-2-text": "A third event typed by the moderator."})
    refused = await limited.client.post("/topic/edit", data=form)
    assert refused.status_code == 422
    assert "Fusion Power: 3 timeline events, the limit is 2 ([limits] timeline_events)" in html.unescape(refused.text)
    assert "A third event typed by the moderator." in refused.text
    stored = await limited.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.version == 1 and stored.topic == build_topic()


async def test_a_new_topic_over_the_limit_is_refused(limited: Site) -> None:
    await limited.sign_in()
    form = _editor_form((await limited.client.get("/topic/new?scope=guild")).text)
    form.update({"title": "Tidal Power", "description": "Power from tides.", "summary": "Tides turn turbines.",
                 "event-0-date": "2025-01-01", "event-0-text": "One.", "event-1-date": "2025-01-02",
                 "event-1-text": "Two.", "event-2-date": "2025-01-03", "event-2-text": "Three."})
    refused = await limited.client.post("/topic/new", data=form)
    assert refused.status_code == 422
    assert "Tidal Power: 3 timeline events, the limit is 2" in html.unescape(refused.text)
    assert await limited.repository.list(guild_id=GUILD, include_global=False) == []


async def test_an_upload_over_the_limits_is_refused_naming_the_file(limited: Site) -> None:
    await limited.sign_in()
    data = format_record(replace(build_topic("Uploaded"), timeline=_three_events())).encode()
    refused = await limited.client.post("/upload", data={"csrf": await limited.csrf(), "scope": "guild"},
                                        files={"files": ("big.txt", data, "text/plain")})
    assert refused.status_code == 422
    assert "big.txt: 3 timeline events, the limit is 2 ([limits] timeline_events)" in html.unescape(refused.text)
    assert await limited.repository.list(guild_id=GUILD, include_global=False) == []


async def test_the_push_api_refuses_a_record_over_the_limits(limited: Site) -> None:
    token = await _token(limited)
    good = format_record(build_topic("Fusion Power")).encode()
    assert (await limited.client.put("/api/topics/Fusion Power", content=good, headers=_bearer(token))).status_code \
        == 201
    many = format_record(replace(build_topic("Fusion Power"), timeline=_three_events())).encode()
    refused = await limited.client.put("/api/topics/Fusion Power", content=many, headers=_bearer(token))
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "Fusion Power.txt: 3 timeline events, the limit is 2 ([limits] timeline_events)"}
    big = good + b"\n" + b"x" * 5_000
    too_big = await limited.client.put("/api/topics/Fusion Power", content=big, headers=_bearer(token))
    assert too_big.status_code == 413
    assert too_big.json() == {
        "error": f"Fusion Power.txt: {len(big):,} bytes, the limit is 5,000 ([limits] record_bytes)"}
    stored = await limited.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.version == 1 and stored.topic == build_topic("Fusion Power")
