"""Every dashboard route over HTTP: sign-in, scope, form tokens, editing through the one write path, history,
records. The app runs in-process over a real SQLite store (``httpx.ASGITransport``)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import replace
from typing import Any

import pytest

from bot.config import DashboardSettings
from bot.core import editing
from bot.core.changes import Author
from bot.core.model import LIMITS, Attribute
from bot.core.record_format import format_record
from bot.dashboard.app import ROUTES
from tests.conftest import StoreBackend, build_topic
from tests.dashboard.conftest import GUILD, OTHER_GUILD, Site, make_site
from tests.png_reading import read_png

SOMEONE = Author("someone", "discord", 7)
GET_PAGES = ["/topics", "/topic?scope=guild&title=Fusion+Power", "/topic/edit?scope=guild&title=Fusion+Power",
             "/topic/new?scope=guild", "/topic/remove?scope=guild&title=Fusion+Power",
             "/topic/history?scope=guild&title=Fusion+Power",
             "/topic/diff?scope=guild&title=Fusion+Power&from=1&to=1",
             "/topic/record?scope=guild&title=Fusion+Power", "/export?scope=guild", "/upload?scope=guild",
             "/misses", "/stats?days=30", "/stats.png?days=30"]
# Signing in is not a signed-in form (tests/dashboard/test_discord_sign_in.py, tests/e2e/ cover Discord's).
POST_ROUTES = sorted({route.path for route in ROUTES if "POST" in (getattr(route, "methods", None) or ())}
                     - {"/sign-in", "/sign-in/discord/choose"})


async def _own(site: Site, title: str = "Fusion Power", guild_id: int | None = GUILD, **changes: Any) -> None:
    await site.editor.add(build_topic(title, **changes), author=SOMEONE, guild_id=guild_id)


def _editor_form(page: str) -> dict[str, str]:
    """The editor's fields as the browser would send them (inputs, textareas; unticked boxes left out)."""
    form: dict[str, str] = {}
    for name, value in re.findall(r'<input (?:type="hidden" )?(?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', page):
        form[name] = _unescape(value)
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        form[name] = _unescape(value)
    return form


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


# --- sign-in ------------------------------------------------------------------------------------


def test_every_route_is_covered_by_these_tests() -> None:
    paths = {route.path for route in ROUTES}
    assert paths == {"/", "/sign-in", "/sign-in/discord", "/sign-in/discord/callback", "/sign-in/discord/choose",
                     "/sign-out", "/topics", "/topic", "/topic/edit", "/topic/new", "/topic/remove",
                     "/topic/hide", "/topic/unhide", "/topic/history", "/topic/diff", "/topic/revert",
                     "/topic/record", "/export", "/upload", "/upload/confirm", "/misses", "/misses/alias",
                     "/misses/suggestion", "/stats", "/stats.png", "/static", "/api-tokens", "/api-tokens/revoke",
                     "/api/topics/{title:path}"}


@pytest.mark.parametrize("path", GET_PAGES)
async def test_every_page_needs_a_sign_in(site: Site, path: str) -> None:
    await _own(site)
    response = await site.client.get(path)
    assert response.status_code == 401
    assert "/topic-admin dashboard" in response.text


@pytest.mark.parametrize("path", POST_ROUTES)
async def test_every_form_needs_a_sign_in(site: Site, path: str) -> None:
    await _own(site)
    response = await site.client.post(path, data={"scope": "guild", "title": "Fusion Power", "version": "1"})
    assert response.status_code == 401
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 1


async def test_the_home_page_says_how_to_sign_in_and_sends_a_moderator_to_the_topics(site: Site) -> None:
    page = await site.client.get("/")
    assert page.status_code == 200 and "/topic-admin dashboard" in page.text
    await site.sign_in()
    again = await site.client.get("/")
    assert again.status_code == 303 and again.headers["location"] == "/topics"


async def test_a_link_signs_in_once_with_an_httponly_lax_cookie(site: Site) -> None:
    link = await site.link()
    token = link.split("token=", 1)[1]
    page = await site.client.get(link)
    assert page.status_code == 200 and 'id="sign-in"' in page.text  # opening it uses nothing up
    again = await site.client.get(link)
    assert again.status_code == 200
    from urllib.parse import unquote

    signed = await site.client.post("/sign-in", data={"token": unquote(token)})
    assert signed.status_code == 303 and signed.headers["location"] == "/topics"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert (await site.client.get("/topics")).status_code == 200
    site.client.cookies.clear()
    used = await site.client.post("/sign-in", data={"token": unquote(token)})
    assert used.status_code == 403 and "used already" in used.text
    assert (await site.client.get(link)).status_code == 200  # the page still opens; signing in is what is refused
    assert (await site.client.get("/topics")).status_code == 401


async def test_an_expired_or_changed_link_is_refused(site: Site) -> None:
    from urllib.parse import unquote

    token = unquote((await site.link()).split("token=", 1)[1])
    site.clock.advance(minutes=10, seconds=1)
    expired = await site.client.post("/sign-in", data={"token": token})
    assert expired.status_code == 403 and "expired" in expired.text
    assert (await site.client.get(f"/sign-in?token={token}")).status_code == 403
    fresh = unquote((await site.link()).split("token=", 1)[1])
    payload, signature = fresh.split(".")
    forged = await site.client.post("/sign-in", data={"token": f"{payload}x.{signature}"})
    assert forged.status_code == 403 and "not valid" in forged.text
    assert (await site.client.post("/sign-in", data={})).status_code == 403
    assert (await site.client.get("/topics")).status_code == 401


async def test_the_cookie_is_secure_behind_https_and_the_base_path_is_honoured(sqlite_backend: StoreBackend) -> None:
    settings = DashboardSettings(base_url="https://mods.example.org/topicbot")
    async for site in make_site(sqlite_backend, settings):
        await _own(site)
        link = await site.link()
        assert link.startswith("https://mods.example.org/topicbot/sign-in?token=")
        from urllib.parse import unquote

        token = unquote(link.split("token=", 1)[1])
        # The client's base URL holds the base path: "/sign-in" is https://mods.example.org/topicbot/sign-in.
        signed = await site.client.post("/sign-in", data={"token": token})
        assert signed.status_code == 303 and signed.headers["location"] == "/topicbot/topics"
        cookie = signed.headers["set-cookie"].lower()
        assert "secure" in cookie and "path=/topicbot" in cookie
        listing = await site.client.get("/topics")
        assert listing.status_code == 200
        assert 'href="/topicbot/topic?scope=guild&amp;title=Fusion+Power"' in listing.text
        assert 'href="/topicbot/static/style.css"' in listing.text
        # A proxy that strips the base path reaches the same routes (the cookie is only sent below /topicbot).
        stripped = await site.client.get("https://mods.example.org/topics")
        assert stripped.status_code == 401 and "/topic-admin dashboard" in stripped.text
        assert (await site.client.get("https://mods.example.org/nowhere")).status_code == 404


async def test_signing_out_ends_the_session(site: Site) -> None:
    await site.sign_in()
    csrf = await site.csrf()
    out = await site.client.post("/sign-out", data={"csrf": csrf})
    assert out.status_code == 200 and "signed out" in out.text
    assert (await site.client.get("/topics")).status_code == 401


async def test_pages_carry_security_headers(site: Site) -> None:
    page = await site.client.get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


# --- form tokens --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POST_ROUTES)
async def test_a_form_without_its_token_is_refused(site: Site, path: str) -> None:
    await _own(site)
    await _own(site, "Shared Thing", guild_id=None)
    await site.sign_in()
    for csrf in (None, "wrong"):
        data = {"scope": "guild", "title": "Fusion Power", "opened_title": "Fusion Power", "version": "1",
                "to": "1", "key": "x", **({"csrf": csrf} if csrf else {})}
        response = await site.client.post(path, data=data)
        assert response.status_code == 403, path
        assert "security token" in response.text
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 1
    assert await site.repository.hidden_pairs() == []
    assert (await site.client.get("/topics")).status_code == 200  # still signed in


# --- scope --------------------------------------------------------------------------------------


async def test_another_guilds_topics_are_neither_listed_nor_reachable(site: Site) -> None:
    await _own(site, "Their Topic", guild_id=OTHER_GUILD)
    await _own(site)
    await site.sign_in()
    listing = await site.client.get("/topics")
    assert "Fusion Power" in listing.text and "Their Topic" not in listing.text
    for path in ("/topic", "/topic/edit", "/topic/history", "/topic/record"):
        response = await site.client.get(f"{path}?scope=guild&title=Their+Topic")
        assert response.status_code == 404, path
    csrf = await site.csrf()
    edit = await site.client.post("/topic/edit", data={"csrf": csrf, "scope": "guild", "opened_title": "Their Topic",
                                                       "version": "1", "title": "Mine Now", "description": "d",
                                                       "summary": "s"})
    assert edit.status_code == 404
    remove = await site.client.post("/topic/remove", data={"csrf": csrf, "scope": "guild", "title": "Their Topic",
                                                           "version": "1"})
    assert remove.status_code == 404
    assert (await site.repository.get("Their Topic", guild_id=OTHER_GUILD)).version == 1
    export = await site.client.get("/export?scope=guild")
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert len(names) == 1


async def test_shared_topics_are_read_only_for_moderators(site: Site) -> None:
    await _own(site, "Shared Thing", guild_id=None)
    await site.sign_in()
    page = await site.client.get("/topic?scope=shared&title=Shared+Thing")
    assert page.status_code == 200 and "Edit</a>" not in page.text and "Hide it in this server" in page.text
    assert (await site.client.get("/topic/edit?scope=shared&title=Shared+Thing")).status_code == 403
    assert (await site.client.get("/topic/new?scope=shared")).status_code == 403
    assert (await site.client.get("/upload?scope=shared")).status_code == 403
    csrf = await site.csrf()
    edit = await site.client.post("/topic/edit", data={"csrf": csrf, "scope": "shared", "opened_title": "Shared Thing",
                                                       "version": "1", "title": "x", "description": "d",
                                                       "summary": "s"})
    assert edit.status_code == 403 and "owner" in edit.text
    revert = await site.client.post("/topic/revert", data={"csrf": csrf, "scope": "shared", "title": "Shared Thing",
                                                           "to": "1", "version": "1"})
    assert revert.status_code == 403
    assert (await site.repository.get("Shared Thing")).version == 1
    history = await site.client.get("/topic/history?scope=shared&title=Shared+Thing")
    assert history.status_code == 200 and "Revert to" not in history.text


async def test_the_bot_owner_edits_shared_topics(site: Site) -> None:
    await _own(site, "Shared Thing", guild_id=None)
    await site.sign_in(owner=True)
    page = await site.client.get("/topic/edit?scope=shared&title=Shared+Thing")
    assert page.status_code == 200
    form = _editor_form(page.text)
    form["summary"] = "A summary the owner rewrote."
    saved = await site.client.post("/topic/edit", data=form)
    assert saved.status_code == 303
    stored = await site.repository.get("Shared Thing")
    assert stored.version == 2 and stored.topic.summary == "A summary the owner rewrote."


async def test_hiding_and_showing_a_shared_topic(site: Site) -> None:
    await _own(site, "Shared Thing", guild_id=None)
    await site.sign_in()
    csrf = await site.csrf()
    hidden = await site.client.post("/topic/hide", data={"csrf": csrf, "title": "Shared Thing"})
    assert hidden.status_code == 303
    assert await site.repository.hidden_pairs() == [(GUILD, "Shared Thing")]
    listing = await site.client.get("/topics?show=hidden")
    assert "Shared Thing" in listing.text and "(hidden here)" in listing.text
    page = await site.client.get("/topic?scope=shared&title=Shared+Thing")
    assert "Show it in this server again" in page.text
    shown = await site.client.post("/topic/unhide", data={"csrf": csrf, "title": "Shared Thing"})
    assert shown.status_code == 303 and await site.repository.hidden_pairs() == []
    assert [e.action for e in site.events][-2:] == ["hide", "unhide"]


# --- the list and a topic's page ----------------------------------------------------------------


async def test_the_list_searches_and_filters(site: Site) -> None:
    old = build_topic("Old Research").last_updated
    await _own(site)
    await _own(site, "Old Research", aliases=("Dusty",))
    await _own(site, "Shared Thing", guild_id=None, last_updated=old.replace(year=2020))
    await site.sign_in()
    assert "3 of 3 topics" in (await site.client.get("/topics")).text
    by_alias = await site.client.get("/topics?q=dusty")
    assert "Old Research" in by_alias.text and "Fusion Power" not in by_alias.text
    shared = await site.client.get("/topics?show=shared")
    assert "Shared Thing" in shared.text and "Fusion Power" not in shared.text
    own = await site.client.get("/topics?show=guild")
    assert "Shared Thing" not in own.text and "2 of 3" in own.text
    stale = await site.client.get("/topics?stale=1")  # every test topic's research is from 2025 or before
    assert "3 of 3" in stale.text
    recent = await site.client.get("/topics?recent=1")  # stored "now" (real time), the clock says 2026-03-01
    assert "of 3 topics" in recent.text


async def test_a_topic_page_shows_every_part(site: Site) -> None:
    await _own(site, aliases=("Star Jar",))
    await site.sign_in()
    page = await site.client.get("/topic?scope=guild&title=fusion+power")
    assert page.status_code == 200
    for text in ("Fusion Power", "Experimental", "Lead Lab", "First test result published.", "Context",
                 "https://example.org/overview", "Star Jar", "version 1"):
        assert text in page.text
    missing = await site.client.get("/topic?scope=guild&title=Fusion+Powr")
    assert missing.status_code == 404 and "Fusion Power" in missing.text  # the suggestion
    assert (await site.client.get("/topic?scope=elsewhere&title=x")).status_code == 400


# --- the editor ---------------------------------------------------------------------------------


async def test_the_editor_saves_every_part_through_the_one_write_path(site: Site) -> None:
    await _own(site)
    await site.sign_in(name="alice")
    page = await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")
    assert page.status_code == 200
    form = _editor_form(page.text)
    assert form["attribute-0-name"] == "Status" and form["version"] == "1"
    unchanged = await site.client.post("/topic/edit", data=form)
    assert unchanged.status_code == 303
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 1  # nothing changed, no revision
    form.update({"attribute-0-value": "Operational", "attribute-2-name": "Budget", "attribute-2-value": "Large",
                 "event-1-remove": "1", "event-2-date": "2025-01-02", "event-2-text": "A new milestone.",
                 "section-0-paragraph": "New background.", "result-2-title": "Another page",
                 "result-2-url": "https://example.net/x", "result-2-snippet": "More.", "aliases": "Fusion\nFP",
                 "title": "Fusion Energy"})
    saved = await site.client.post("/topic/edit", data=form)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/topic?scope=guild&title=Fusion+Energy&saved=2"
    stored = await site.repository.get("Fusion Energy", guild_id=GUILD)
    topic = stored.topic
    assert stored.version == 2 and stored.updated_by == "alice (100)"
    assert topic.attributes == (Attribute("Status", "Operational"), Attribute("Lead Lab", "Test Lab One"),
                                Attribute("Budget", "Large"))
    assert [e.text for e in topic.timeline] == ["First test result published.", "A new milestone."]
    assert topic.background[0].paragraph == "New background."
    assert topic.web_results[-1].url == "https://example.net/x"
    assert topic.aliases == ("Fusion", "FP")
    assert site.events[-1].action == "edit" and site.events[-1].author == Author("alice", "dashboard", 100)
    shown = await site.client.get(saved.headers["location"])
    assert "Saved: version 2" in shown.text


@pytest.mark.parametrize(("change", "message"), [
    ({"event-0-date": "15/01/2024"}, "Timeline event 1: write the date as YYYY-MM-DD"),
    ({"result-0-url": "ftp://example.org/x"}, "Web result 1: a web result URL must start with http"),
    ({"title": ""}, "the title cannot be empty"),
    ({"attribute-1-name": "status"}, "Attribute 2: there is already an attribute called"),
    ({"event-0-source": "Wiki (en)"}, "Timeline event 1: an event source cannot contain parentheses"),
    ({"aliases": "Fusion Power"}, "already has the alias"),
    ({"summary": "x" * (LIMITS["summary"] + 1)}, "4000"),
])
async def test_the_editor_refuses_what_discord_refuses_and_keeps_the_form(
        site: Site, change: dict[str, str], message: str) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    form.update({"description": "Typed by the moderator.", **change})
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 422
    assert message in _unescape(refused.text)
    assert "Typed by the moderator." in refused.text
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 1


async def test_a_stale_edit_is_refused_with_what_changed(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    form = _editor_form((await site.client.get("/topic/edit?scope=guild&title=Fusion+Power")).text)
    await site.editor.edit("Fusion Power", lambda t: editing.set_attribute(t, "Status", "Paused"), author=SOMEONE,
                           guild_id=GUILD)
    form["summary"] = "My own new summary."
    refused = await site.client.post("/topic/edit", data=form)
    assert refused.status_code == 409
    text = _unescape(refused.text)
    assert "was changed by someone (7)" in text and "you had version 1, it is now 2" in text
    assert "~ Status: \u201cExperimental\u201d \u2192 \u201cPaused\u201d" in text or "Status" in text
    assert "Paused" in text
    assert "My own new summary." in text  # what the moderator typed is kept
    stored = await site.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.version == 2 and stored.topic.summary != "My own new summary."
    again = _editor_form(refused.text)
    assert again["version"] == "2"
    saved = await site.client.post("/topic/edit", data=again)
    assert saved.status_code == 303
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).topic.summary == "My own new summary."


async def test_adding_a_topic(site: Site) -> None:
    await site.sign_in()
    page = await site.client.get("/topic/new?scope=guild")
    assert page.status_code == 200
    form = _editor_form(page.text)
    form.update({"title": "Tidal Power", "description": "Power from tides.", "summary": "Tides turn turbines.",
                 "attribute-0-name": "Kind", "attribute-0-value": "Renewable"})
    added = await site.client.post("/topic/new", data=form)
    assert added.status_code == 303
    stored = await site.repository.get("Tidal Power", guild_id=GUILD)
    assert stored.topic.attribute("Kind") is not None and stored.guild_id == GUILD
    duplicate = await site.client.post("/topic/new", data=form)
    assert duplicate.status_code == 422 and "Tidal Power" in duplicate.text


# --- history, diff, revert, remove --------------------------------------------------------------


async def test_history_side_by_side_diff_and_revert(site: Site) -> None:
    await _own(site)
    await site.editor.edit("Fusion Power", lambda t: editing.set_attribute(t, "Status", "Paused"), author=SOMEONE,
                           guild_id=GUILD)
    await site.sign_in()
    history = await site.client.get("/topic/history?scope=guild&title=Fusion+Power")
    assert history.status_code == 200 and "someone (7)" in history.text and "Revert to version 1" in history.text
    diff = await site.client.get("/topic/diff?scope=guild&title=Fusion+Power&from=1&to=2")
    assert diff.status_code == 200
    assert re.search(r'<tr class="changed">\s*<td class="number">\d+</td><td class="line old">\s*Experimental</td>'
                     r'\s*<td class="number">\d+</td><td class="line new">\s*Paused</td>', diff.text)
    assert "~ Status: " in _unescape(diff.text)  # the summary above the two columns
    assert (await site.client.get("/topic/diff?scope=guild&title=Fusion+Power&from=1&to=9")).status_code == 400
    csrf = await site.csrf()
    stale = await site.client.post("/topic/revert", data={"csrf": csrf, "scope": "guild", "title": "Fusion Power",
                                                          "to": "1", "version": "1"})
    assert stale.status_code == 409
    reverted = await site.client.post("/topic/revert", data={"csrf": csrf, "scope": "guild", "title": "Fusion Power",
                                                             "to": "1", "version": "2"})
    assert reverted.status_code == 303
    stored = await site.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.version == 3 and stored.topic.attribute("Status") == Attribute("Status", "Experimental")
    assert site.events[-1].action == "revert"


async def test_removing_a_topic_and_bringing_it_back(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    confirm = await site.client.get("/topic/remove?scope=guild&title=Fusion+Power")
    assert confirm.status_code == 200 and "Remove version 1" in confirm.text
    csrf = await site.csrf()
    removed = await site.client.post("/topic/remove", data={"csrf": csrf, "scope": "guild", "title": "Fusion Power",
                                                            "version": "1"})
    assert removed.status_code == 303
    assert (await site.client.get("/topic?scope=guild&title=Fusion+Power")).status_code == 404
    history = await site.client.get(removed.headers["location"])
    assert "This topic is removed" in history.text and "Revert to version 1" in history.text
    restored = await site.client.post("/topic/revert", data={"csrf": csrf, "scope": "guild", "title": "Fusion Power",
                                                             "to": "1", "version": "2"})
    assert restored.status_code == 303
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 3


# --- records ------------------------------------------------------------------------------------


async def test_downloading_a_record_and_the_guilds_archive(site: Site) -> None:
    await _own(site)
    await _own(site, "Second Topic")
    await site.sign_in()
    record = await site.client.get("/topic/record?scope=guild&title=Fusion+Power")
    assert record.status_code == 200 and record.headers["content-type"].startswith("text/plain")
    assert "attachment" in record.headers["content-disposition"]
    assert record.content == format_record(build_topic("Fusion Power")).encode("utf-8")
    archive = await site.client.get("/export?scope=guild")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert len(opened.namelist()) == 2


async def test_uploading_records_previews_then_imports(site: Site) -> None:
    await _own(site)
    await site.sign_in()
    assert (await site.client.get("/upload?scope=guild")).status_code == 200
    csrf = await site.csrf()
    changed = replace(build_topic("Fusion Power"), summary="An uploaded summary.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", format_record(changed))
        archive.writestr("b.txt", format_record(build_topic("Uploaded Topic")))
    preview = await site.client.post("/upload", data={"csrf": csrf, "scope": "guild"},
                                     files={"files": ("topics.zip", buffer.getvalue(), "application/zip")})
    assert preview.status_code == 200
    assert "1 to add, 1 to change" in preview.text
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).version == 1  # nothing written yet
    key = re.search(r'name="key" value="([^"]+)"', preview.text)
    assert key is not None
    done = await site.client.post("/upload/confirm", data={"csrf": csrf, "scope": "guild", "key": key.group(1)})
    assert done.status_code == 200 and "1 added, 1 changed" in done.text
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).topic.summary == "An uploaded summary."
    twice = await site.client.post("/upload/confirm", data={"csrf": csrf, "scope": "guild", "key": key.group(1)})
    assert twice.status_code == 410


async def test_a_malformed_upload_names_the_file_and_line(site: Site) -> None:
    await site.sign_in()
    csrf = await site.csrf()
    bad = await site.client.post("/upload", data={"csrf": csrf, "scope": "guild"},
                                 files={"files": ("broken.txt", b"Only a title\n", "text/plain")})
    assert bad.status_code == 422 and "broken.txt" in bad.text
    nothing = await site.client.post("/upload", data={"csrf": csrf, "scope": "guild"})
    assert nothing.status_code == 422
    assert await site.repository.list(guild_id=GUILD, include_global=False) == []


# --- misses and statistics ----------------------------------------------------------------------


async def _asks(site: Site) -> None:
    from datetime import timedelta

    from bot.core.usage.misses import SuggestedAlias
    from bot.core.usage.records import AskRecord, Candidate

    at = site.clock() - timedelta(hours=1)

    def ask(question: str, outcome: Any, topic: str | None = None, guild_id: int = GUILD,
            candidates: tuple[Candidate, ...] = ()) -> AskRecord:
        return AskRecord(guild_id, 10, question, outcome, "summary", topic, candidates, 0.5, at)

    near = (Candidate("Fusion Power", 40.0), Candidate("Shared Thing", 30.0))
    await site.usage.store.add_asks([
        ask("star in a jar", "miss", candidates=near), ask("star in a jar", "miss", candidates=near),
        ask("their secret", "miss", guild_id=OTHER_GUILD),
        ask("fusion power", "answered", topic="Fusion Power"), ask("lol", "chatter"),
    ])
    await site.usage.store.suggest([SuggestedAlias(GUILD, "fusion thing", "Fusion Power")], at)


async def test_the_miss_log_groups_this_guilds_misses_and_adds_an_alias(site: Site) -> None:
    await _own(site)
    await _own(site, "Shared Thing", guild_id=None)
    await _asks(site)
    await site.sign_in()
    page = await site.client.get("/misses?days=7")
    assert page.status_code == 200
    assert "star in a jar" in page.text and "their secret" not in page.text
    assert "Add as alias of Fusion Power" in page.text
    assert "Add as alias of Shared Thing" not in page.text  # shared topics are read-only here
    assert 'href="/topic/new?scope=guild&amp;title=star+in+a+jar"' in page.text
    new = await site.client.get("/topic/new?scope=guild&title=star+in+a+jar")
    assert 'value="star in a jar"' in new.text
    csrf = await site.csrf()
    added = await site.client.post("/misses/alias", data={"csrf": csrf, "scope": "guild", "topic": "Fusion Power",
                                                          "question": "star in a jar"})
    assert added.status_code == 303 and "saved=2" in added.headers["location"]
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).topic.aliases == ("star in a jar",)
    shared = await site.client.post("/misses/alias", data={"csrf": csrf, "scope": "shared", "topic": "Shared Thing",
                                                           "question": "star in a jar"})
    assert shared.status_code == 403
    assert (await site.client.post("/misses/alias", data={"scope": "guild", "topic": "Fusion Power",
                                                          "question": "x"})).status_code == 403


async def test_alias_suggestions_are_accepted_or_rejected(site: Site) -> None:
    await _own(site)
    await _asks(site)
    await site.sign_in()
    page = await site.client.get("/misses")
    assert "fusion thing" in page.text
    [suggestion] = await site.usage.suggestions(GUILD)
    csrf = await site.csrf()
    other = await site.client.post("/misses/suggestion", data={"csrf": csrf, "id": "999", "decision": "accept"})
    assert other.status_code == 404
    accepted = await site.client.post("/misses/suggestion", data={"csrf": csrf, "id": str(suggestion.id),
                                                                  "decision": "accept"})
    assert accepted.status_code == 303
    assert (await site.repository.get("Fusion Power", guild_id=GUILD)).topic.aliases == ("fusion thing",)
    assert await site.usage.suggestions(GUILD) == []
    assert "fusion thing" not in (await site.client.get("/misses")).text.split("Missed questions")[0]


async def test_statistics_are_a_png_with_the_figures_the_page_shows(site: Site) -> None:
    pytest.importorskip("matplotlib")
    await _asks(site)
    await site.sign_in()
    page = await site.client.get("/stats?days=30")
    assert page.status_code == 200
    assert "4 questions asked, 1 answered, 2 missed (answer rate 33 %)" in page.text
    assert re.search(r'<th scope="row">Fusion Power</th><td>1</td>', page.text)
    assert re.search(r'<th scope="row">2026-03-01</th><td>2</td>', page.text)
    assert "<svg" not in page.text
    image = re.search(r'<img src="([^"]+)" width="800" height="900" alt="([^"]+)">', page.text)
    assert image, "no chart picture on the page"
    source, alt = image.group(1).replace("&amp;", "&"), html.unescape(image.group(2))
    assert source == "/stats.png?days=30"
    picture = await site.client.get(source)
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    png = read_png(picture.content)
    assert png.text["Description"] == alt
    assert alt.startswith("Usage from 2026-01-30 to 2026-03-01: 4 questions, answer rate 33% (1 answered, 2 missed).")
    assert "Questions per day: 03-01 4 (2 missed, answer rate 33%)." in alt
    assert "Top topics: Fusion Power 1." in alt


async def test_without_matplotlib_statistics_are_svg_bars(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.dashboard import usage_pages

    monkeypatch.setattr(usage_pages, "charts_available", lambda: False)
    await _asks(site)
    await site.sign_in()
    page = await site.client.get("/stats?days=30")
    assert page.status_code == 200
    assert page.text.count("<svg") == 5 and 'role="img"' in page.text and "<img" not in page.text
    assert re.search(r'<th scope="row">2026-03-01</th><td>4</td>', page.text)
    assert (await site.client.get("/stats.png?days=30")).status_code == 404
