"""Settings from HELPDESK_* environment variables.

The variable names are a contract: they are listed in README.md's Settings table.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot import PROJECT_ROOT
from bot.desk.sandbox import Limits
from bot.i18n import N_, _
from bot.nlu.matcher import DEFAULT_MARGIN, DEFAULT_THRESHOLD

ASYNC_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+asyncpg"})
TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")


class _Worded(Exception):
    """An error worded by a catalog message and its values, so the command line can print
    it in its own language (`describe`); `str()` is the English one."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template.format(**values))
        self.template, self.values = template, values

    def describe(self) -> str:
        """The message in the language in force."""
        values = self.values.items()
        return _(self.template).format(
            **{k: v.describe() if isinstance(v, _Worded) else v for k, v in values}
        )


class SettingProblem(_Worded, ValueError):
    """What is wrong with a setting's value, as a validator says it (pydantic wants a
    ValueError)."""


class SettingsError(_Worded):
    """A setting that is missing or malformed for the chosen mode; its message is one line.
    Not a ValueError: code that catches those for bad input must not swallow it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HELPDESK_", extra="ignore", env_ignore_empty=True
    )

    database_url: str = "sqlite+aiosqlite:///helpdesk.db"
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Messages per second to Telegram overall; 0: no limiter (a local Bot API server, paid
    # broadcasts). Telegram's own limit for bots is 30.
    telegram_max_rate: float = Field(30.0, ge=0)
    staff_chat_id: int | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen: str = "127.0.0.1:8080"
    # Where people reach HELPDESK_LISTEN from outside (https://desk.example.mn): set, it turns
    # on the web console at /console and is the base of its login links.
    public_url: str | None = None
    messenger_page_token: SecretStr | None = None
    messenger_app_secret: SecretStr | None = None
    messenger_verify_token: SecretStr | None = None
    messenger_page_id: str | None = None  # events for any other page are ignored
    messenger_graph_url: str = "https://graph.facebook.com/v21.0"
    faq_dir: Path = PROJECT_ROOT / "faq"
    match_threshold: float = Field(DEFAULT_THRESHOLD, ge=0, le=100)
    match_margin: float = Field(DEFAULT_MARGIN, ge=0, le=100)
    timezone: str = "Asia/Ulaanbaatar"
    work_start: time = time(9)  # staff working hours, Monday to Friday, in `timezone`
    work_end: time = time(18)
    ticket_idle_days: int = Field(7, ge=1)  # tickets without activity close after this
    unclaimed_reminder_minutes: int = Field(30, ge=1)
    lookups_per_hour: int = Field(5, ge=1)  # certificate lookups per person
    lookups_per_day: int = Field(20, ge=1)
    lookups_per_number: int = Field(10, ge=1)  # lookups of one register number a day, by anyone
    # An uploaded roster, FAQ or schedule is read in a child process within these limits.
    import_seconds: float = Field(60.0, gt=0)
    import_memory_mb: int = Field(1024, ge=256)
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (3, 1)  # days before a window opens
    log_level: str = "INFO"
    lang: Literal["mn", "en"] = "mn"  # the command line's language (`--lang` overrides it)

    @field_validator("admin_ids", "reminder_days", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """ "1,2, 3" in the environment; pydantic then checks each is an integer."""
        if isinstance(value, str):
            return [part for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("database_url")
    @classmethod
    def _async_database(cls, value: str) -> str:
        """An async driver the desk has, and for SQLite a folder that exists: a typo here
        should stop the program with one line, not a traceback from deep in SQLAlchemy."""
        try:
            url = make_url(value)
        except ArgumentError:
            raise SettingProblem(
                N_("not a database URL, e.g. sqlite+aiosqlite:///helpdesk.db")
            ) from None
        if url.drivername not in ASYNC_DRIVERS:
            raise SettingProblem(
                N_(
                    "driver '{driver}' is not one the desk runs on; use "
                    "sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB"
                ),
                driver=url.drivername,
            )
        if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
            folder = Path(url.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise SettingProblem(N_("the folder {folder} does not exist"), folder=folder)
        return value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_SHAPE.fullmatch(value.get_secret_value()):
            raise SettingProblem(
                N_("not a bot token from @BotFather (digits, a colon, then letters)")
            )
        return value

    @field_validator(
        "telegram_base_url",
        "telegram_base_file_url",
        "messenger_graph_url",
        "webhook_url",
        "public_url",
    )
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise SettingProblem(N_("expected an address starting with https:// (or http://)"))
        return value

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdecimal():
            raise SettingProblem(N_("expected host:port, e.g. 127.0.0.1:8080"))
        return value

    @property
    def staff_chat(self) -> str | None:
        """The staff group as the outbox addresses chats."""
        return str(self.staff_chat_id) if self.staff_chat_id is not None else None

    @property
    def listen_host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host, int(port)

    def console_link(self, token: str) -> str:
        assert self.public_url is not None
        return f"{self.public_url.rstrip('/')}/console/login?token={token}"

    def read_limits(self) -> Limits:
        return Limits(seconds=self.import_seconds, memory_mb=self.import_memory_mb)

    def require(self, *names: str) -> None:
        """Fail with one line naming the first setting the chosen mode needs but lacks."""
        for name in names:
            if getattr(self, name) in (None, ""):
                raise SettingsError(
                    N_("{name} is not set; this mode needs it."), name=f"HELPDESK_{name.upper()}"
                )


def load_settings() -> Settings:
    """Read the environment, turning pydantic's report into one line that names the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = (
            "HELPDESK_" + str(error["loc"][0]).upper() if error["loc"] else "a HELPDESK_ setting"
        )
        # Our validators' reasons are translated; pydantic's own ("Input should be a valid
        # integer") stay as pydantic words them.
        reason = (error.get("ctx") or {}).get("error")
        if not isinstance(reason, SettingProblem):
            reason = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(
            N_("{name} is malformed: {reason}"), name=name, reason=reason
        ) from None
