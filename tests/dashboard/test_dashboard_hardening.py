"""Issue 23's dashboard items (16-27), each over HTTP against the app on a real store."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from bot.config import DashboardSettings
from bot.core import editing
from bot.core.changes import Author
from tests.conftest import StoreBackend, build_topic
from tests.dashboard.conftest import GUILD, Site, make_site

SOMEONE = Author("someone", "discord", 7)


def _editor_form(page: str) -> dict[str, str]:
    form: dict[str, str] = {}
    for name, value in re.findall(r'<input (?:type="hidden" )?(?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', page):
        form[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        form[name] = html.unescape(value)
    return form


async def _own(site: Site, **changes: object) -> None:
    await site.editor.add(build_topic("Fusion Power", **changes), author=SOMEONE, guild_id=GUILD)


@pytest.mark.parametrize("path", ["/stats?days=\u00b2", "/topic/diff?scope=guild&title=Fusion+Power&from=\u00b9&to=1",
                                  "/misses?days=\u0663"])
async def test_item_16_superscript_and_other_digits_are_no_500(site: Site, path: str) -> None:
    await _own(site)
    await site.sign_in()
    page = await site.client.get(path)
    assert page.status_code in (200, 400)
    assert "Traceback" not in page.text and "Internal Server Error" not in page.text


async def test_item_16_a_superscript_version_in_a_form_is_a_400(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    form["version"] = "\u00b9"
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 400 and "must be a whole number" in refused.text


async def test_item_17_a_topic_with_many_timeline_events_is_saved(site: Site) -> None:
    await _own(site)
    for n in range(400):
        await site.editor.edit("Fusion Power", lambda t, n=n: editing.add_event(
            t, f"Event number {n}.", date(2020, 1, n % 28 + 1)), author=SOMEONE, guild_id=GUILD)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    assert len(form) > 1000
    form["summary"] = "Saved with four hundred events."
    saved = await site.client.post("/topic/edit", data=form)
    assert saved.status_code == 303, saved.text[:500]
    stored = await site.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.topic.summary == "Saved with four hundred events." and len(stored.topic.timeline) >= 400


async def test_item_20_a_huge_body_is_refused_before_it_is_read(site: Site) -> None:
    await site.sign_in()
    refused = await site.client.post("/sign-in", content=b"token=" + b"a" * (20 * 1024 * 1024),
                                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert refused.status_code == 413
    assert "too large" in refused.text


async def test_items_21_and_24_a_second_save_after_a_conflict_keeps_the_other_change(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    await site.editor.edit("Fusion Power", lambda t: editing.set_attribute(t, "Status", "Paused"), author=SOMEONE,
                           guild_id=GUILD)
    form["summary"] = "My own new summary."
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 409
    assert "**" not in refused.text  # item 24: the diff is shown as text, not raw Markdown
    saved = await site.client.post("/topic/edit", data=_editor_form(refused.text))
    assert saved.status_code == 303
    stored = (await site.repository.get("Fusion Power", guild_id=GUILD)).topic
    assert stored.summary == "My own new summary."
    assert stored.attribute("Status") is not None and stored.attribute("Status").value == "Paused"


async def test_item_21_both_versions_of_a_part_both_changed_are_shown(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    await site.editor.edit("Fusion Power", lambda t: editing.set_summary(t, "Their summary."), author=SOMEONE,
                           guild_id=GUILD)
    form["summary"] = "My summary."
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 409
    conflicts = refused.text[refused.text.index('id="conflicts"'):]
    assert "Their summary." in conflicts and "My summary." in conflicts


async def test_item_22_a_5_mb_field_is_refused_naming_the_limit_with_the_form_refilled(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    form["description"] = "Typed by the moderator."
    form["summary"] = "x" * (5 * 1024 * 1024)
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 422
    assert "summary" in refused.text and "characters" in refused.text
    assert "Typed by the moderator." in refused.text


async def test_item_23_no_store_and_no_internals(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    page = await site.client.get("/topics")
    assert page.headers["cache-control"] == "no-store"
    cookie = site.client.cookies.get("topicbot_session")
    assert cookie is not None and "mod" not in cookie and "." not in cookie.strip('"')  # an id, nothing readable


async def test_item_18_signing_out_ends_the_session_in_the_store(site: Site) -> None:
    await site.sign_in()
    cookie = site.client.cookies.get("topicbot_session")
    assert cookie is not None
    csrf = await site.csrf()
    assert (await site.client.post("/sign-out", data={"csrf": csrf})).status_code == 200
    site.client.cookies.set("topicbot_session", cookie)  # the old cookie, replayed
    assert (await site.client.get("/topics")).status_code == 401


async def test_item_18_a_moderator_whose_role_is_removed_is_refused_within_the_cache_time(site: Site) -> None:
    await site.sign_in()
    assert (await site.client.get("/topics")).status_code == 200
    site.roles.removed.add((GUILD, 100))
    site.clock.advance(seconds=61)  # the last "still a moderator" answer is older than the cache
    refused = await site.client.get("/topics")
    assert refused.status_code == 401 and "no longer a moderator" in refused.text
    site.roles.removed.clear()
    assert (await site.client.get("/topics")).status_code == 401  # the session was ended, not paused


async def test_item_18_the_role_is_asked_at_most_once_a_minute(site: Site) -> None:
    await site.sign_in()
    asked = site.roles.asked
    for _ in range(5):
        assert (await site.client.get("/topics")).status_code == 200
    assert site.roles.asked - asked <= 1


async def test_item_19_the_trailing_slash_redirect_is_relative_and_keeps_the_base_path(site: Site) -> None:
    moved = await site.client.get("/topics/?q=x", headers={"host": "evil.example"})
    assert moved.status_code == 308
    assert moved.headers["location"] == "/topics?q=x"  # no host an attacker can steer


async def test_item_25_a_link_made_for_another_dashboard_says_what_to_fix(site: Site) -> None:
    page = await site.client.get("/sign-in?token=eyJnIjoxfQ.forged")
    assert page.status_code == 403
    text = html.unescape(page.text)
    assert "made for another one" in text and "same --config" in text


async def test_item_26_a_moderator_is_told_why_shared_topics_are_read_only(site: Site) -> None:
    await site.editor.add(build_topic("Shared Thing"), author=SOMEONE)
    await site.sign_in()
    page = await site.client.get("/topic?scope=shared&title=Shared+Thing")
    assert 'id="read-only"' in page.text and "only the bot's owner" in html.unescape(page.text)
    listing = await site.client.get("/topics")
    assert "Shared topics are read-only here" in html.unescape(listing.text)
    site.client.cookies.clear()
    unsigned = await site.client.get("/topics")
    assert unsigned.status_code == 401 and "topicbot dashboard --sign-in-link" in html.unescape(unsigned.text)


async def test_item_27_the_misses_page_says_which_questions_it_holds(site: Site) -> None:
    await site.sign_in()
    page = await site.client.get("/misses")
    assert page.status_code == 200 and "topicbot ask --guild ID" in html.unescape(page.text)


async def test_item_19_behind_a_proxy_the_redirect_keeps_its_prefix(sqlite_backend: StoreBackend) -> None:
    settings = DashboardSettings(base_url="https://example.org/topicbot")
    async for site in make_site(sqlite_backend, settings):
        moved = await site.client.get("/topics/", headers={"host": "evil.example"})  # the client adds /topicbot
        assert moved.status_code == 308 and moved.headers["location"] == "/topicbot/topics"
