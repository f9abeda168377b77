"""End to end in headless Chromium: sign in through a link, browse, edit an attribute, and the bot answers it.

The dashboard runs as its own process (``python -m bot dashboard``) on a SQLite store; this test
process plays a running bot over the same store (``build_services`` following the change feed, as
``topicbot run`` does). Screenshots of every page go to ``tests/artifacts/dashboard/``.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them the
test is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, load_settings
from bot.core.changes import Author
from bot.core.sign_in import sign_in_link
from bot.core.storage.sign_ins import SignInStore
from bot.services import Services, build_services
from tests.conftest import build_topic

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts" / "dashboard"
GUILD = 1
QUESTION = "what is the status of fusion power"
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")
#: Inputs without a <label for=...>, on the current page (hidden inputs need none).
UNLABELLED_JS = """
return Array.from(document.querySelectorAll('input:not([type=hidden]), textarea, select'))
  .filter(e => !e.id || !document.querySelector('label[for="' + CSS.escape(e.id) + '"]'))
  .map(e => e.name || e.outerHTML);
"""
#: Controls a keyboard cannot reach (taken out of the tab order).
UNREACHABLE_JS = """
return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select'))
  .filter(e => e.tabIndex < 0 || e.disabled).map(e => e.outerHTML);
"""


def _browser() -> tuple[str, str]:
    """Chromium and its driver, or a skip (a failure under CI=true) saying what is missing."""
    problem = None
    try:
        import selenium  # noqa: F401
    except ImportError:
        problem = "selenium is not installed (pip install -e '.[test]')"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if problem is None and (chromium is None or driver is None):
        problem = ("headless Chromium is not installed (apt-get install -y chromium chromium-driver; "
                   ".ci/run does this)")
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; CI=true requires the browser test", pytrace=False)
        pytest.skip(problem)
    assert chromium is not None and driver is not None
    return chromium, driver


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tmp_path / "chromium-profile"  # empty: no state from another run
    profile.mkdir()
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,1600")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def bot_services(tmp_path: Path) -> AsyncIterator[tuple[Services, Settings, Path]]:
    """A store with one guild topic and one shared topic, and a 'running bot' following its change feed."""
    (tmp_path / "no-knowledge").mkdir()
    port = _free_port()
    config = tmp_path / "topicbot.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "no-knowledge").as_posix()}"\n'
                      f"[dashboard]\nport = {port}\n", encoding="utf-8")
    settings = load_settings(config, {}, database_url=f"sqlite+aiosqlite:///{tmp_path / 'topics.db'}")
    services = await build_services(settings)
    setup = Author("setup", "test")
    await services.editor.add(build_topic("Fusion Power"), author=setup, guild_id=GUILD)
    await services.editor.add(build_topic("Shared Thing"), author=setup)
    from bot.core.usage.records import AskRecord, Candidate

    await services.usage_store.add_asks([
        AskRecord(GUILD, 10, "star in a jar", "miss", "summary", None, (Candidate("Fusion Power", 40.0),), 0.2,
                  datetime.now(UTC)),
        AskRecord(GUILD, 10, "fusion power", "answered", "summary", "Fusion Power", (), 0.9, datetime.now(UTC)),
    ])
    following = asyncio.create_task(services.follow_changes(services.wakeup(poll_interval=0.2)))
    try:
        yield services, settings, config
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
        await services.close()


@contextlib.contextmanager
def dashboard_process(settings: Settings, config: Path, log: Path) -> Iterator[str]:
    """``python -m bot dashboard`` over the store, until the block ends; yields its address."""
    url = settings.dashboard.public_url
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bot", "--config", str(config), "--database-url", settings.database_url,
             "dashboard"], stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/", timeout=1):  # noqa: S310 - our loopback server
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"the dashboard did not start:\n{log.read_text()}") from None
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _wait_for(driver: Any, text: str) -> None:
    """Wait until the page (after a click or a submit) shows ``text``."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: text in d.page_source)


def _check_page(driver: Any, name: str) -> None:
    """Screenshot the page; every input has a label and every control is reachable by keyboard."""
    _shot(driver, name)
    assert driver.execute_script(UNLABELLED_JS) == [], f"inputs without labels on {name}"
    assert driver.execute_script(UNREACHABLE_JS) == [], f"controls out of the tab order on {name}"


async def _answer(services: Services) -> str:
    return services.renderer.render(services.answerer.answer(QUESTION, guild_id=GUILD)).text


async def test_sign_in_edit_an_attribute_and_the_bot_answers_it(
        browser: Any, bot_services: tuple[Services, Settings, Path], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    services, settings, config = bot_services
    assert "Experimental" in await _answer(services)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    with dashboard_process(settings, config, tmp_path / "dashboard.log") as url:
        links = SignInStore(services.session_factory)
        link = await sign_in_link(links, url, guild_id=GUILD, user_id=100, user_name="alice", now=datetime.now(UTC))

        def run_browser() -> None:
            browser.get(url + "/topics")
            _check_page(browser, "00-sign-in-needed")
            browser.get(link)
            _check_page(browser, "01-sign-in")
            browser.find_element(By.ID, "sign-in").click()
            _wait_for(browser, "of 2 topics.")
            assert browser.current_url == f"{url}/topics"
            _check_page(browser, "02-topics")
            search = browser.find_element(By.ID, "q")
            search.send_keys("fusion", Keys.ENTER)  # the filter form, by keyboard
            _wait_for(browser, "1 of 2 topics")
            _check_page(browser, "03-topics-search")
            browser.find_element(By.LINK_TEXT, "Fusion Power").click()
            _wait_for(browser, "version 1, changed")
            _check_page(browser, "04-topic")
            browser.find_element(By.LINK_TEXT, "Edit").click()
            _wait_for(browser, 'id="editor"')
            _check_page(browser, "05-editor")
            value = browser.find_element(By.ID, "attribute-0-value")
            assert browser.find_element(By.CSS_SELECTOR, "label[for='attribute-0-value']").text == \
                "Attribute 1 value"
            value.clear()
            value.send_keys("Operational", Keys.ENTER)  # Enter in a field submits the editor
            _wait_for(browser, "Saved: version 2")
            _check_page(browser, "06-topic-saved")
            browser.find_element(By.LINK_TEXT, "History").click()
            _wait_for(browser, "History of Fusion Power")
            _check_page(browser, "07-history")
            browser.find_element(By.LINK_TEXT, "What changed").click()
            _wait_for(browser, "Side by side")
            assert "Operational" in browser.page_source
            _check_page(browser, "08-diff")
            browser.get(f"{url}/topic/new?scope=guild")
            _check_page(browser, "09-new-topic")
            browser.get(f"{url}/upload?scope=guild")
            _check_page(browser, "10-upload")
            browser.get(f"{url}/topic?scope=shared&title=Shared+Thing")
            assert "Edit</a>" not in browser.page_source
            _check_page(browser, "11-shared-topic")
            browser.get(f"{url}/topic/remove?scope=guild&title=Fusion+Power")
            _check_page(browser, "12-remove")
            browser.get(f"{url}/misses")
            assert "Add as alias of Fusion Power" in browser.page_source
            _check_page(browser, "13-misses")
            browser.get(f"{url}/stats")
            # The chart picture (matplotlib is in the test extra) is loaded and decoded by the browser.
            assert browser.execute_script(
                "const image = document.querySelector('.chart-picture img');"
                "return image && image.complete ? [image.naturalWidth, image.naturalHeight] : null;") == [800, 900]
            assert browser.find_element(By.CSS_SELECTOR, ".chart-picture img").get_attribute("alt").startswith(
                "Usage from ")
            _check_page(browser, "14-stats")

        await asyncio.to_thread(run_browser)
    # The bot (this process) learns of the change from the change feed, as another bot process would.
    deadline = time.monotonic() + 10
    while "Operational" not in (text := await _answer(services)):
        assert time.monotonic() < deadline, f"the bot still answers: {text}"
        await asyncio.sleep(0.05)
    assert "Experimental" not in text
    stored = await services.repository.get("Fusion Power", guild_id=GUILD)
    assert stored.version == 2 and stored.updated_by == "alice (100)"
    assert sorted(p.name for p in ARTIFACTS.glob("*.png")) == [
        "00-sign-in-needed.png", "01-sign-in.png", "02-topics.png", "03-topics-search.png", "04-topic.png",
        "05-editor.png", "06-topic-saved.png", "07-history.png", "08-diff.png", "09-new-topic.png",
        "10-upload.png", "11-shared-topic.png", "12-remove.png", "13-misses.png", "14-stats.png"]
