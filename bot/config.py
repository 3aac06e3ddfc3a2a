"""Settings from the environment and `.env`, typed, with errors that name the key."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "miejsca-otwarte-2023.yaml"


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_data: Path = Field(default=DEFAULT_DATA, description="Event data file (YAML)")
    bot_now: str | None = Field(default=None, description="Simulated start time, YYYY-MM-DD HH:MM")
    bot_log_level: str = Field(default="WARNING", description="Python logging level")


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value raises `ConfigError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"błędna konfiguracja — {problems}") from None
