from __future__ import annotations

import re

import pytest

from bot.config import OFFICIAL_TELEGRAM_URL, ConfigError, load_settings


def test_defaults_need_nothing() -> None:
    settings = load_settings(_env_file=None)
    assert settings.telegram_base_url == OFFICIAL_TELEGRAM_URL
    assert (settings.bot_host, settings.bot_port) == ("127.0.0.1", 8080)
    assert settings.admin_ids == frozenset()


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(_env_file=None).telegram_token()


def test_token_is_hidden_in_reprs() -> None:
    settings = load_settings(_env_file=None, telegram_bot_token="123:abcdef")
    assert "abcdef" not in repr(settings) and "abcdef" not in str(settings.model_dump())
    assert settings.telegram_token() == "123:abcdef"


def test_admin_ids_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34;56")
    assert load_settings(_env_file=None).admin_ids == {12, 34, 56}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("BOT_PORT", "0"),
        ("BOT_PORT", "http"),
        ("TELEGRAM_BASE_URL", "api.telegram.org"),
        ("TELEGRAM_WEBHOOK_URL", "bot.example.org/hook"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces!"),
    ],
)
def test_bad_values_name_their_variable(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        load_settings(_env_file=None)


def test_empty_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "")
    settings = load_settings(_env_file=None)
    assert settings.telegram_bot_token is None and settings.telegram_webhook_url is None


def test_base_url_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/")
    assert load_settings(_env_file=None).telegram_base_url == "http://127.0.0.1:8081"


def test_env_example_lists_every_setting_and_loads() -> None:
    from pathlib import Path

    from bot.config import Settings

    example = Path(__file__).resolve().parents[2] / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    keys = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    # BOT_NOW is only shown, commented out: copied to .env it would freeze a live bot's clock.
    commented = {line[2:].split("=", 1)[0] for line in lines if re.match(r"# [A-Z_]+=", line)}
    assert keys | commented == {name.upper() for name in Settings.model_fields}
    assert "BOT_NOW" in commented and "BOT_NOW" not in keys
    settings = load_settings(_env_file=example)
    assert settings.bot_now is None
    assert settings.telegram_bot_token is not None and settings.telegram_webhook_url is None


def test_messenger_needs_all_three_secrets_and_names_the_missing() -> None:
    from bot.config import ConfigError

    settings = load_settings(_env_file=None, messenger_page_token="page", messenger_verify_token="v")
    assert settings.messenger_configured and not settings.telegram_configured
    with pytest.raises(ConfigError, match="MESSENGER_APP_SECRET") as caught:
        settings.messenger_credentials()
    assert "MESSENGER_PAGE_TOKEN" not in str(caught.value)
    full = load_settings(
        _env_file=None, messenger_page_token="p1", messenger_app_secret="a1", messenger_verify_token="v1"
    )
    credentials = full.messenger_credentials()
    assert (credentials.page_token, credentials.app_secret, credentials.verify_token) == ("p1", "a1", "v1")
    assert set(full.secrets()) == {"p1", "a1", "v1"}
    assert full.messenger_event_update_tag is False


def test_no_channel_is_an_error_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=r"TELEGRAM_BOT_TOKEN.*MESSENGER_PAGE_TOKEN"):
        load_settings(_env_file=None).require_a_channel()
    monkeypatch.setenv("MESSENGER_GRAPH_URL", "graph.facebook.com")
    with pytest.raises(ConfigError, match="MESSENGER_GRAPH_URL"):
        load_settings(_env_file=None)


def test_paid_broadcasts_raise_the_send_rate_unless_it_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(_env_file=None).send_rate == 30
    monkeypatch.setenv("BOT_PAID_BROADCAST", "true")
    assert load_settings(_env_file=None).send_rate == 1000
    monkeypatch.setenv("BOT_SEND_RATE", "200")
    assert load_settings(_env_file=None).send_rate == 200
