"""Typed configuration loaded from YAML. Unknown keys and wrong types are refused with the
key's name, its line and what was expected. Secrets never live here: tokens come from the
environment (see the discord and matrix sections)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.timeofday import format_time, parse_time
from bot.yamlfiles.document import Document, ProblemsError, problems_from_validation, read_yaml
from bot.yamlfiles.errors import rule_error

# The largest id a platform gives (Discord's snowflakes are 64-bit; JSON integers 53).
MAX_ID = 2**64 - 1
MAX_POWER_LEVEL = 2**53 - 1  # Matrix power levels are canonical-JSON integers


class Section(BaseModel):
    """Every section: unknown keys refused, types strict, and no text holding a NUL
    character (a path with one cannot be opened; refused here, not by a crash at run)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\0" in t for t in texts):
            raise ValueError("text may not contain a NUL character (\\0)")
        return value


def seconds(default: float, high: float, zero: bool = False) -> Any:
    """A duration in seconds: a real number above 0 (or from 0, with `zero`) and at most
    `high`; NaN and infinity refused (`asyncio.sleep(nan)` never returns)."""
    if zero:
        return Field(default=default, ge=0, le=high, allow_inf_nan=False)
    return Field(default=default, gt=0, le=high, allow_inf_nan=False)


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
    # Where the logs go while the console is the terminal chat (not into the chat); empty:
    # standard error. A scripted console (input not a terminal) logs to standard error.
    log_file: str = "var/kruzhok.log"


class QuizConfig(Section):
    default_questions: int = Field(
        default=5, ge=1, le=100
    )  # questions when `questions` is not given
    max_questions: int = Field(default=20, ge=1, le=100)  # the most a quiz may ask
    # Seconds each question stays open when `seconds` is not given; null: until `quiz next`.
    default_seconds: int | None = Field(default=None, ge=5, le=3600)
    max_seconds: int = Field(default=600, ge=5, le=3600)  # the longest `seconds` allowed
    # One extra point for a right answer given in the first third of a timed question.
    speed_bonus: bool = False
    # How often each process looks in the database for timed questions past their deadline
    # (closes those another process started, should that one be gone or late).
    sweep_seconds: int = Field(default=5, ge=1, le=3600)
    # In a hands-off quiz (`quiz start ... auto`), seconds between a reveal and the next
    # question.
    auto_pause: int = Field(default=10, ge=1, le=600)

    @model_validator(mode="after")
    def _defaults_within_limits(self) -> QuizConfig:
        if self.default_questions > self.max_questions:
            raise rule_error(
                f"default_questions ({self.default_questions}) is more than max_questions "
                f"({self.max_questions}): every quiz start would be refused",
                "default_questions",
            )
        if self.default_seconds is not None and self.default_seconds > self.max_seconds:
            raise rule_error(
                f"default_seconds ({self.default_seconds}) is more than max_seconds "
                f"({self.max_seconds}): every quiz start would be refused",
                "default_seconds",
            )
        return self


class ParticipationConfig(Section):
    # Channels counted, as "platform:channel_id" (e.g. "discord:1234", "console:general");
    # every channel is counted when the list is empty.
    channels: list[str] = []
    # Daily rows older than this many days are deleted (at start and daily); 0 keeps them.
    retention_days: int = Field(default=365, ge=0, le=36_600)  # up to a hundred years
    # The recorder writes its buffer after this many events...
    flush_every: int = Field(default=500, ge=1, le=1_000_000)
    # ...or this many seconds after the last write, whichever comes first.
    flush_seconds: float = seconds(10.0, high=3600)
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
    # A post missed while the bot was down is made on start if it is at most this late.
    grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    # What `daily set` uses for what it is not told (the timezone defaults to `timezone`).
    default_time: str = "09:00"
    default_chapter: str = "current"  # a chapter number, current or all
    default_prompt: bool = True
    # How many channels' posts are sent at once when many are due together.
    concurrency: int = Field(default=8, ge=1, le=100)

    @field_validator("default_time")
    @classmethod
    def _time(cls, value: str) -> str:
        return format_time(parse_time(value))

    @field_validator("default_chapter")
    @classmethod
    def _chapter(cls, value: str) -> str:
        # Whether the chapter exists is checked against the content (bot/config_check.py).
        if value in ("all", "current") or re.fullmatch(r"[0-9]{1,6}", value):
            return value
        raise ValueError(
            f'expected current, all or a chapter number in quotes (like "15"), got {value!r}'
        )


class ChaptersConfig(Section):
    # Hours a moderator's `poll` stays open before its results are posted (1 to 768).
    poll_hours: int = Field(default=24, ge=1, le=768)
    # Hours a chapter thread's "How far are you?" poll stays open (1 to 768).
    progress_poll_hours: int = Field(default=168, ge=1, le=768)
    # A moderator's `plan set N` also opens chapter N's thread (when it has none).
    open_with_plan: bool = True


class DiscordConfig(Section):
    # Name of the environment variable holding the bot token (never the token itself).
    token_env: str = "DISCORD_TOKEN"  # noqa: S105  (a variable name, not a secret)
    # Channel ids whose messages and reactions count as participation; all when empty.
    reading_channels: list[Annotated[int, Field(ge=0, le=MAX_ID)]] = []
    # A development guild: commands are synced there (instant) instead of globally.
    dev_guild: int | None = Field(default=None, ge=0, le=MAX_ID)
    # Sync the slash commands at start when their definitions changed since the last sync.
    sync_on_start: bool = True
    # Seconds to wait for the guilds at start-up before the bot counts as ready.
    guild_ready_timeout: float = seconds(2.0, high=600, zero=True)
    # A command still running after this many seconds is deferred ("thinking...").
    defer_after: float = seconds(1.5, high=60, zero=True)
    # Sharding (several processes): how many shards the bot has in all, and which of them
    # this process runs. Both null: one process, unsharded. A count alone: this process
    # runs every shard. The process whose shard_ids include 0 (or that runs them all)
    # syncs the slash commands; the others do not.
    shard_count: int | None = Field(default=None, ge=1, le=100_000)
    shard_ids: list[int] | None = None  # each within 0..shard_count-1 (checked below)
    # A forum channel id: chapter discussions open as posts there, tagged with the chapter,
    # instead of threads in the channel where `chapter open` runs.
    forum_channel: int | None = Field(default=None, ge=0, le=MAX_ID)

    @model_validator(mode="after")
    def _shards(self) -> DiscordConfig:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise rule_error(
                "shard_ids needs shard_count (how many shards the bot has in all)", "shard_ids"
            )
        if not self.shard_ids:
            raise rule_error(
                "name at least one shard, or leave shard_ids null to run them all", "shard_ids"
            )
        outside = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
        if outside:
            raise rule_error(
                f"shard ids {outside} are outside 0..{self.shard_count - 1}"
                f" (shard_count is {self.shard_count})",
                "shard_ids",
            )
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise rule_error("a shard id is named twice", "shard_ids")
        return self

    def runs_shard(self, shard_id: int) -> bool:
        """This process runs that shard (every shard when shard_ids is not given)."""
        return self.shard_ids is None or shard_id in self.shard_ids

    def syncs_commands(self) -> bool:
        """Only one process syncs the command tree: the one that runs shard 0."""
        return self.runs_shard(0)


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
    moderator_power_level: int = Field(default=50, ge=1, le=MAX_POWER_LEVEL)
    # Invites from these users (full ids) or servers ("example.org") are accepted; others
    # are declined. Empty lists accept no invite.
    allowed_inviters: list[str] = []
    allowed_inviter_servers: list[str] = []
    # End-to-end encryption (keys live in store_dir).
    encryption: bool = True
    # Where the encryption keys and the device id are kept.
    store_dir: str = "var/matrix-store"
    # Whether a `!word` or `/word` that is none of the bot's commands gets the "Unknown
    # command" answer: "mentioned" (only when the message mentions the bot, or in a direct
    # chat, so the bot lives beside other bots), "always" or "never".
    reply_to_unknown: Literal["mentioned", "always", "never"] = "mentioned"
    # Seconds the homeserver may hold a sync request open (long polling).
    sync_timeout: float = seconds(30.0, high=600, zero=True)
    # Longest wait in seconds between reconnection attempts when the homeserver is down.
    max_retry_wait: float = seconds(10.0, high=3600)
    # Several processes may be configured for one account; one of them holds a lease and
    # syncs. Seconds between its renewals (and between the others' attempts to take it).
    lease_renew_every: float = seconds(15.0, high=600)
    # Seconds an SQLite lease lasts without renewal (PostgreSQL's dies with its holder).
    lease_timeout: float = seconds(45.0, high=3600)
    # Quiz questions with lettered choices go out as undisclosed MSC3381 polls (results
    # hidden until the reveal) instead of a message with reactions.
    quiz_polls: bool = False

    @model_validator(mode="after")
    def _lease_outlasts_renewal(self) -> MatrixConfig:
        if self.lease_timeout <= self.lease_renew_every:
            raise rule_error(
                f"lease_timeout ({self.lease_timeout}) must be longer than lease_renew_every "
                f"({self.lease_renew_every}), or the lease runs out between two renewals",
                "lease_timeout",
            )
        return self


class Config(Section):
    database: str = "var/kruzhok.sqlite3"
    content: str = "content"
    # Id of the default book, for groups that have not chosen one; the first when not set.
    book: str | None = None
    timezone: str = "UTC"
    adapters: list[Literal["console", "discord", "matrix"]] = ["console"]
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    seed: int | None = Field(
        default=None, ge=0, le=MAX_ID
    )  # a fixed random seed (for tests and demos); random when not set
    moderators: Moderators = Field(default_factory=Moderators)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    quiz: QuizConfig = Field(default_factory=QuizConfig)
    participation: ParticipationConfig = Field(default_factory=ParticipationConfig)
    daily: DailyConfig = Field(default_factory=DailyConfig)
    chapters: ChaptersConfig = Field(default_factory=ChaptersConfig)
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
    return read_config(path)[0]


def read_config(path: Path | None) -> tuple[Config, Document | None]:
    """load_config, with the parsed file (for the lines of later problems; None when the
    defaults were used)."""
    if path is None:
        return Config(), None
    try:
        doc = read_yaml(path, regular=False)  # `--config <(...)` is a pipe
    except ProblemsError as exc:
        if [p.message for p in exc.problems] == ["file is empty"]:
            return Config(), None  # an empty config (or only comments) means the defaults
        raise
    try:
        return Config.model_validate(doc.data), doc
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(exc, doc)) from None
