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
    # Channels counted, as "platform:channel_id" (e.g. "discord:1234", "console:general");
    # every channel is counted when the list is empty.
    channels: list[str] = []
    # Daily rows older than this many days are deleted (at start and daily); 0 keeps them.
    retention_days: int = Field(default=365, ge=0)
    # The recorder writes its buffer after this many events...
    flush_every: int = Field(default=500, ge=1)
    # ...or this many seconds after the last write, whichever comes first.
    flush_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Show top participants in `stats group` (off for groups that dislike rankings).
    leaderboard: bool = True
    # Size of the charts, in pixels.
    chart_width: int = Field(default=800, ge=200, le=4000)
    chart_height: int = Field(default=600, ge=200, le=4000)

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        for key in value:
            platform, _, channel = key.partition(":")
            if not platform or not channel:
                raise ValueError(f'{key!r} is not a channel key like "discord:1234"')
        return value


class DailyConfig(Section):
    pass


class DiscordConfig(Section):
    pass


class MatrixConfig(Section):
    pass


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
