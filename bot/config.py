"""Settings from the environment and `.env`, typed, with errors that name the key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "miejsca-otwarte-2023.yaml"
OFFICIAL_TELEGRAM_URL = "https://api.telegram.org"
# Meta serves each Graph API version for about two years; v26.0 came out on 29 July 2026
# (docs/messenger.md says when it expires and how to move on).
OFFICIAL_GRAPH_URL = "https://graph.facebook.com/v26.0"
# Telegram accepts 1–256 characters A–Z, a–z, 0–9, _ and - in a webhook secret token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


PAID_BROADCAST_RATE = 1000.0  # Telegram's limit for paid broadcasts, messages a second


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    bot_data: Path = Field(default=DEFAULT_DATA, description="Event data file (YAML)")
    bot_now: str | None = Field(default=None, description="Simulated start time, YYYY-MM-DD HH:MM")
    bot_log_level: str = Field(default="INFO", description="Python logging level")
    bot_log_format: str = Field(default="text", description="Log lines as text, or one JSON object each")
    bot_clock_speed: float = Field(default=1.0, gt=0, le=3600, description="Simulated clock speed")
    bot_send_rate: float = Field(
        default=30, gt=0, le=10_000, description="Messages per second the bot sends on its own, overall"
    )
    bot_paid_broadcast: bool = Field(
        default=False,
        description="Telegram paid broadcasts for reminders and announcements (up to 1,000 messages/s, "
        "paid in Stars); the send rate follows unless BOT_SEND_RATE is set",
    )
    bot_claim_timeout: float = Field(
        default=60, gt=0, le=3600, description="Seconds after which an unfinished delivery claim is retried"
    )
    bot_data_max_mb: float = Field(
        default=5, gt=0, le=1024, description="Largest data file read, in megabytes (10^6 bytes)"
    )
    database_url: str = Field(default="sqlite+aiosqlite:///bot.db", description="SQLAlchemy async URL")
    bot_db_wait: float = Field(
        default=60, ge=0, le=3600, description="Seconds `run` waits for an unreachable database at start"
    )

    telegram_bot_token: SecretStr | None = Field(default=None, description="Token from @BotFather")
    telegram_base_url: str = Field(default=OFFICIAL_TELEGRAM_URL, description="Bot API server")
    telegram_webhook_url: str | None = Field(default=None, description="Public HTTPS URL of the webhook")
    telegram_webhook_secret: SecretStr | None = Field(default=None, description="Webhook secret token")
    bot_host: str = Field(default="127.0.0.1", description="Address the web server listens on")
    bot_port: int = Field(default=8080, ge=1, le=65535, description="Port the web server listens on")
    bot_health_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port of /healthz, /readyz and /metrics on their own"
    )
    messenger_page_token: SecretStr | None = Field(default=None, description="Page access token")
    messenger_app_secret: SecretStr | None = Field(default=None, description="Meta app secret")
    messenger_verify_token: SecretStr | None = Field(default=None, description="Webhook verify token")
    messenger_graph_url: str = Field(default=OFFICIAL_GRAPH_URL, description="Graph API base, with version")
    messenger_event_update_tag: bool = Field(
        default=False, description="Send reminders outside the 24-hour window tagged CONFIRMED_EVENT_UPDATE"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), description="Telegram user ids of organisers, comma-separated"
    )
    messenger_admin_ids: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), description="Messenger ids (PSIDs) of organisers, comma-separated"
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s;]+", value) if p]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("oczekiwano liczb (identyfikatorów) oddzielonych przecinkami")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("messenger_admin_ids", mode="before")
    @classmethod
    def _split_psids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s;]+", value) if p]
            if not all(p.isdigit() for p in parts):
                raise ValueError("oczekiwano identyfikatorów (cyfr) oddzielonych przecinkami — zob. /moje_id")
            return frozenset(parts)
        return value

    @field_validator("bot_log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in LOG_FORMATS:
                raise ValueError("oczekiwano text (wiersze tekstu) albo json (jeden obiekt JSON w wierszu)")
        return value

    @field_validator("telegram_base_url", "telegram_webhook_url", "messenger_graph_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError("oczekiwano adresu zaczynającego się od http:// lub https://")
        return value.rstrip("/") if value is not None else None

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("oczekiwano sqlite+aiosqlite:///plik.db albo postgresql+asyncpg://…")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("dozwolone są tylko litery A–Z, a–z, cyfry, _ i - (1–256 znaków)")
        return value

    @property
    def data_max_bytes(self) -> int:
        return int(self.bot_data_max_mb * 1_000_000)

    def telegram_token(self) -> str:
        """The bot token, or `ConfigError` naming the variable when it is not set."""
        if self.telegram_bot_token is None:
            raise ConfigError(
                "brak TELEGRAM_BOT_TOKEN — ustaw token bota od @BotFather w zmiennej środowiskowej "
                "lub w pliku .env (zob. .env.example)"
            )
        return self.telegram_bot_token.get_secret_value()

    def webhook_secret(self) -> str:
        """The webhook secret, required whenever a webhook URL is set."""
        if self.telegram_webhook_secret is None:
            raise ConfigError(
                "brak TELEGRAM_WEBHOOK_SECRET — przy TELEGRAM_WEBHOOK_URL potrzebny jest sekret, "
                "którym Telegram podpisuje żądania (litery, cyfry, _ i -)"
            )
        return self.telegram_webhook_secret.get_secret_value()

    @property
    def telegram_configured(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def send_rate(self) -> float:
        """Messages a second the fan-out sends: BOT_SEND_RATE when set, else Telegram's limit —
        1,000 with paid broadcasts, 30 without."""
        if self.bot_paid_broadcast and "bot_send_rate" not in self.model_fields_set:
            return PAID_BROADCAST_RATE
        return self.bot_send_rate

    @property
    def messenger_configured(self) -> bool:
        return any(s is not None for s in self._messenger_secrets().values())

    def _messenger_secrets(self) -> dict[str, SecretStr | None]:
        return {
            "MESSENGER_PAGE_TOKEN": self.messenger_page_token,
            "MESSENGER_APP_SECRET": self.messenger_app_secret,
            "MESSENGER_VERIFY_TOKEN": self.messenger_verify_token,
        }

    def messenger_credentials(self) -> MessengerCredentials:
        """The three Messenger secrets, or `ConfigError` naming each one missing."""
        values = self._messenger_secrets()
        missing = [key for key, value in values.items() if value is None]
        if missing:
            raise ConfigError(
                f"brak {', '.join(missing)} — Messenger potrzebuje tokenu strony, sekretu aplikacji "
                "i tokenu weryfikacji webhooka (zob. docs/messenger.md)"
            )
        page, app, verify = (v.get_secret_value() for v in values.values() if v is not None)
        return MessengerCredentials(page, app, verify)

    def require_a_channel(self) -> None:
        """`run` needs at least one channel; the error names the settings of each."""
        if not self.telegram_configured and not self.messenger_configured:
            raise ConfigError(
                "nie skonfigurowano żadnego kanału — ustaw TELEGRAM_BOT_TOKEN (Telegram) albo "
                "MESSENGER_PAGE_TOKEN, MESSENGER_APP_SECRET i MESSENGER_VERIFY_TOKEN (Messenger); "
                "zob. .env.example"
            )

    def secrets(self) -> list[str]:
        """Every secret value set, for the log formatter to blank out."""
        values = [
            self.telegram_bot_token,
            self.telegram_webhook_secret,
            *self._messenger_secrets().values(),
        ]
        return [v.get_secret_value() for v in values if v is not None]


@dataclass(frozen=True, slots=True)
class MessengerCredentials:
    page_token: str
    app_secret: str
    verify_token: str


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value raises `ConfigError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{str(e['loc'][0]).upper()}: {_message(e['msg'])}" for e in exc.errors())
        raise ConfigError(f"błędna konfiguracja — {problems}") from None


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")
