"""The settings model (bot/config.py) against the shipped example, and where each value comes from."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import ENVIRONMENT, TOP_SECTION, ConfigError, Settings, file_keys, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def _shown_keys(text: str) -> set[tuple[str, str]]:
    """(section, key) of every setting the example shows, set or commented out as ``# key = …``."""
    shown: set[tuple[str, str]] = set()
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
            continue
        name, equals, value = stripped.removeprefix("#").strip().partition("=")
        if equals and name.strip().isidentifier() and value.strip():
            shown.add((section, name.strip()))
    return shown


def test_the_example_config_is_valid_and_knows_no_other_keys() -> None:
    warnings: list[str] = []
    load_settings(EXAMPLE, {}, warn=warnings.append)
    assert warnings == []


def test_the_example_shows_every_key_of_the_model_and_no_other() -> None:
    expected = {(section, key) for section, keys in file_keys().items() for key in keys}
    assert _shown_keys(EXAMPLE.read_text(encoding="utf-8")) == expected


def test_every_value_the_example_sets_is_the_models_default() -> None:
    defaults = Settings()
    for section, table in tomllib.loads(EXAMPLE.read_text(encoding="utf-8")).items():
        holder = defaults if section == TOP_SECTION else getattr(defaults, section)
        for key, value in table.items():
            assert getattr(holder, key) == value, f"[{section}] {key} = {value!r} is not the default"


def test_every_environment_variable_is_named_in_the_example() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert [variable for variable, _, _ in ENVIRONMENT if variable not in text] == []


def test_the_environment_wins_over_the_file_key_by_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[discord]\ntoken = "from-file"\ncooldown_seconds = 5\n', encoding="utf-8")
    settings = load_settings(config, {"DISCORD_TOKEN": "from-env", "DISCORD_TEST_GUILD_ID": "42"})
    assert settings.discord.token == "from-env"
    assert settings.discord.cooldown_seconds == 5.0
    assert settings.discord.test_guild_id == 42


def test_the_flag_wins_over_the_environment_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[topicbot]\ndatabase_url = "sqlite+aiosqlite:///{tmp_path}/file.db"\n', encoding="utf-8")
    settings = load_settings(config, {"TOPICBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/env.db"},
                             database_url=f"sqlite+aiosqlite:///{tmp_path}/flag.db")
    assert settings.database_url.endswith("flag.db")


def test_a_relative_knowledge_dir_is_read_from_the_files_folder(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[topicbot]\nknowledge_dir = "records"\n', encoding="utf-8")
    assert load_settings(config, {}).knowledge_dir == tmp_path / "records"


@pytest.mark.parametrize(
    ("where", "environ", "body", "message"),
    [
        ("file", {}, "[usage]\nretention_days = 0\n",
         "c.toml: [usage] retention_days must be a whole number ≥ 1, got 0"),
        ("file", {}, "[metrics]\naddress = \"localhost\"\n",
         "c.toml: [metrics] address must be host:port (e.g. \"127.0.0.1:9464\"), got 'localhost'"),
        ("file", {}, "[usage]\nlow_confidence = 1.5\n",
         "c.toml: [usage] low_confidence must be a number from 0 to 1, got 1.5"),
        ("environment", {"DISCORD_TEST_GUILD_ID": "12x"}, "",
         "DISCORD_TEST_GUILD_ID must be a Discord id (a positive 64-bit whole number), got '12x'"),
        ("environment", {"TOPICBOT_DATABASE_URL": "mysql://u@h/db"}, "",
         "TOPICBOT_DATABASE_URL: 'mysql' databases are not supported"),
    ],
)
def test_a_bad_value_names_where_it_came_from_the_value_and_what_is_allowed(
        tmp_path: Path, where: str, environ: dict[str, str], body: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(config, environ)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value) and "pydantic" not in str(raised.value)


def test_settings_made_in_code_do_not_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    assert Settings().discord.token is None
    assert load_settings(None).discord.token == "from-env"
