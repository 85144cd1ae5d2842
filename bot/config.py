"""Typed configuration loaded from YAML. Unknown keys and wrong types are refused with the
key's name, its line and what was expected. Secrets never live here: tokens come from the
environment (see the discord and matrix sections)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.yamldoc import ProblemsError, problems_from_validation, read_yaml


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Moderators(Section):
    # User ids that always moderate, e.g. "console:alice", "@alice:example.org", "discord:1234".
    users: list[str] = []
    # Platform role names whose holders moderate (Discord roles).
    roles: list[str] = []


class ConsoleConfig(Section):
    user: str = "reader"  # who is typing when --user is not given
    group: str = "console"  # the group and channel the console stands for
    channel: str = "general"
    output_dir: str = "var/console"  # where charts and files are saved


class QuizConfig(Section):
    pass


class ParticipationConfig(Section):
    pass


class DailyConfig(Section):
    pass


class DiscordConfig(Section):
    pass


class MatrixConfig(Section):
    # The homeserver's client-server API base URL.
    homeserver: str = "http://localhost:8008"
    # The bot's full user id, e.g. "@kruzhok:example.org".
    user_id: str = ""
    # The device id to use with MATRIX_ACCESS_TOKEN; asked from the server when not set.
    # With MATRIX_PASSWORD the device id of the first login is kept in store_dir.
    device_id: str | None = None
    # Rooms to join and serve at start (room ids or aliases); invited rooms are served too.
    rooms: list[str] = []
    # Members at or above this power level moderate (room v12 creators always do).
    moderator_power_level: int = 50
    # Invites from these users (full ids) or servers ("example.org") are accepted; others
    # are declined. Empty lists accept no invite.
    allowed_inviters: list[str] = []
    allowed_inviter_servers: list[str] = []
    # End-to-end encryption (keys live in store_dir).
    encryption: bool = True
    # Where the encryption keys and the device id are kept.
    store_dir: str = "var/matrix-store"
    # Seconds the homeserver may hold a sync request open (long polling).
    sync_timeout: float = 30.0
    # Longest wait in seconds between reconnection attempts when the homeserver is down.
    max_retry_wait: float = 10.0


class Config(Section):
    database: str = "var/kruzhok.sqlite3"
    content: str = "content"
    book: str | None = None  # id of the book to use; the first one when not set
    timezone: str = "UTC"
    adapters: list[Literal["console", "discord", "matrix"]] = ["console"]
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    seed: int | None = None  # a fixed random seed (for tests and demos); random when not set
    moderators: Moderators = Field(default_factory=Moderators)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    quiz: QuizConfig = Field(default_factory=QuizConfig)
    participation: ParticipationConfig = Field(default_factory=ParticipationConfig)
    daily: DailyConfig = Field(default_factory=DailyConfig)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)
    matrix: MatrixConfig = Field(default_factory=MatrixConfig)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        check_timezone(value)
        return value

    @field_validator("adapters")
    @classmethod
    def _adapters(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one adapter")
        if len(set(value)) != len(value):
            raise ValueError("an adapter is named twice")
        return value


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA timezone name (like Europe/London)") from None


def load_config(path: Path | None) -> Config:
    """The config from a YAML file, or the defaults when no file is given."""
    if path is None:
        return Config()
    doc = read_yaml(path)
    if doc.data is None:
        return Config()
    try:
        return Config.model_validate(doc.data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(exc, doc)) from None
