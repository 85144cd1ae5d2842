"""Properties over any input (hypothesis): the command parser and the whole engine answer
every line with a reply or a clear error, never an exception, in work that grows with
the line's length alone; the config loader answers every file with a config or its
problems. Work is counted in executed Python lines (sys.settrace), not in seconds."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config, load_config
from bot.core.commands import CommandTable, UsageError, UserError, parse_words
from bot.core.words import MAX_LINE, split_words
from bot.yamlfiles.document import ProblemsError
from tests.harness import ConsoleBot, console_bot

# Words commands know, so that random lines reach the arguments' converters and handlers.
WORDS = [
    "15", "3", "0", "-1", "99999999999999999999", "questions", "seconds", "deck", "kinds",
    "choice,text", "confirm", "long", "all", "week", "30d", "due", "2026-12-01", "time",
    "09:00", "25:99", "timezone", "Europe/London", "EST", "token", "A", "b", "@everyone",
    '"quoted words"', "'single'", '"open', "\\", "\x00", "点", "\u200b", "—", "",
]  # fmt: skip


def lines(names: list[str]) -> st.SearchStrategy[str]:
    """Any text, and lines made of a command's name and words commands know."""
    known = st.builds(
        lambda name, rest: " ".join([name, *rest]),
        st.sampled_from(names),
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=6),
    )
    return st.one_of(st.text(max_size=200), known)


def parse(table: CommandTable, line: str) -> object:
    """What the engine does with a line before a handler runs; a clear error or Args."""
    words = split_words(line)
    command, rest = table.find(words)
    if command is None:
        return table.suggest(words)
    try:
        return parse_words(command, rest, "/")
    except (UsageError, UserError) as exc:
        return exc


@contextmanager
def running_bot(tmp_path: Path) -> Iterator[tuple[asyncio.AbstractEventLoop, ConsoleBot]]:
    """The whole app on the console, on a loop of its own (hypothesis calls sync code)."""
    loop = asyncio.new_event_loop()
    manager = console_bot(tmp_path)
    bot = loop.run_until_complete(manager.__aenter__())
    try:
        yield loop, bot
    finally:
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


def steps(work: Any, *args: Any) -> int:
    """How many Python lines `work(*args)` executes."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        work(*args)
    finally:
        sys.settrace(None)
    return count


def test_any_line_gets_a_reply_never_an_exception_and_linear_work(tmp_path: Path) -> None:
    with running_bot(tmp_path) as (loop, bot):
        table = bot.app.engine.table
        names = sorted(c.name for c in table)

        @settings(max_examples=300, deadline=None)
        @given(lines(names))
        def whole_engine(line: str) -> None:
            for prefix, moderator in (("/", True), ("!", False)):
                shown = loop.run_until_complete(bot.say(prefix + line, moderator=moderator))
                assert "Something went wrong" not in shown, line

        @settings(max_examples=200, deadline=None)
        @given(lines(names).filter(lambda t: 40 <= len(t) <= MAX_LINE // 8))
        def linear(line: str) -> None:
            once, eight = steps(parse, table, line), steps(parse, table, line * 8)
            # Linear work: 8 times the text, at most 8 times the steps (and some slack
            # for the fixed part); square growth would be 64 times.
            assert eight <= 12 * once + 200, (len(line), once, eight)

        whole_engine()
        linear()


def test_split_words_is_linear_on_the_worst_shapes() -> None:
    for unit in ('"a" ', "a\\ ", "'", '"\\"', "a" * 10, " " * 10):
        small, big = unit * 40, unit * 320
        assert steps(split_words, big) <= 9 * steps(split_words, small) + 50, unit


# -- the config loader ------------------------------------------------------------------

KEYS = {
    "database": st.text(max_size=20),
    "timezone": st.sampled_from(["UTC", "Europe/London", "Mars/Base", ""]),
    "seed": st.integers(),
    "participation": st.fixed_dictionaries(
        {},
        optional={
            "retention_days": st.one_of(st.integers(), st.floats()),
            "flush_seconds": st.floats(allow_nan=True, allow_infinity=True),
            "channels": st.lists(st.text(max_size=8), max_size=3),
        },
    ),
    "matrix": st.fixed_dictionaries(
        {},
        optional={
            "max_retry_wait": st.floats(allow_nan=True, allow_infinity=True),
            "moderator_power_level": st.integers(),
            "lease_timeout": st.floats(),
            "store_dir": st.text(max_size=10),
        },
    ),
    "quiz": st.fixed_dictionaries(
        {}, optional={"default_questions": st.integers(), "max_seconds": st.integers()}
    ),
    "console": st.fixed_dictionaries({}, optional={"output_dir": st.text(max_size=10)}),
}


def yaml_value(value: object) -> str:
    """A value as YAML flow text (floats as YAML spells NaN and infinity)."""
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return "-.inf" if value < 0 else ".inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def loads_or_says_why(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    problems: list[str] = []
    try:
        config: Config | None = load_config(path)
    except ProblemsError as exc:
        config, problems = None, [p.message for p in exc.problems]
    assert isinstance(config, Config) or (problems and all(problems))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.fixed_dictionaries({}, optional=KEYS))
def test_any_config_values_load_or_are_refused_naming_the_problem(
    tmp_path: Path, data: dict[str, object]
) -> None:
    text = "".join(f"{k}: {yaml_value(v)}\n" for k, v in data.items())
    loads_or_says_why(tmp_path / "config.yaml", text)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=400))
def test_any_text_as_a_config_file_loads_or_is_refused(tmp_path: Path, text: str) -> None:
    loads_or_says_why(tmp_path / "config.yaml", text)
