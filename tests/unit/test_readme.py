"""The README says what an operator needs to know before they hit it (issue 23, items 15 and 28)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_item_28_the_readme_names_the_browser_the_dashboard_tests_need_and_the_proxy_body_limit() -> None:
    assert "apt-get install chromium chromium-driver" in README
    assert "client_max_body_size 16m" in README


def test_item_15_the_readme_lists_every_exit_code() -> None:
    table = README[README.index("| code | meaning |"):]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |", "| 141 |"):
        assert code in table


def test_the_dashboard_section_starts_with_discord_sign_in_and_what_to_register() -> None:
    section = README[README.index("## The moderators' dashboard"):]
    section = section[:section.index("\n## ", 1)]
    assert section.split("\n\n", 2)[1].startswith("**Sign in with Discord.**")
    for needed in ("/sign-in/discord/callback", "`identify guilds`", "discord_client_id",
                   "TOPICBOT_DISCORD_CLIENT_SECRET", "developer portal"):
        assert needed in section, needed
