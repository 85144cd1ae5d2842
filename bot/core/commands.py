"""The command table: names, typed arguments, who may run them, handlers.

One table serves every adapter. A command's name may have two words ("quiz start");
arguments are positional (`[chapter]`), keyword (`questions N`), flags (`long`) or the
rest of the line (`[words...]`). Adapters with typed options (Discord) pass a mapping of
raw strings to `parse_mapping`; text adapters pass the words after the name to
`parse_words`. Both run the same converters, so an argument error reads the same
everywhere.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.core.command_context import CommandContext


class ArgKind(Enum):
    WORD = "word"  # one word, converted by `convert`
    TEXT = "text"  # the rest of the line
    FLAG = "flag"  # present or absent: the word itself


class UsageError(Exception):
    """A command was called with arguments it cannot take. The message names the argument."""


class UserError(Exception):
    """A request the core refuses with a clear message (not a bug)."""


def as_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None


def as_word(raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Arg:
    name: str
    help: str
    kind: ArgKind = ArgKind.WORD
    convert: Callable[[str], Any] = as_word
    required: bool = False
    keyword: str | None = None
    metavar: str | None = None
    # A hint for adapters: "chapter", "term", "timezone", "member"... (autocomplete, types)
    hint: str | None = None
    # The Python type of the converted value, for adapters with typed options.
    type: type = str
    choices: tuple[str, ...] = ()

    def usage(self) -> str:
        meta = self.metavar or self.name
        if self.kind is ArgKind.FLAG:
            text = self.keyword or self.name
        elif self.kind is ArgKind.TEXT:
            text = f"{meta}..."
        elif self.keyword:
            text = f"{self.keyword} {meta}"
        else:
            text = meta
        return text if self.required else f"[{text}]"


Handler = Callable[["CommandContext", "Args"], Awaitable[Reply | list[Reply]]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    handler: Handler
    args: tuple[Arg, ...] = ()
    moderator: bool = False
    # Shown in `help` under this heading; the first word of the name by default.
    group: str | None = None
    # Longer help shown by `help <command>`.
    details: str = ""

    def usage(self, prefix: str = "/") -> str:
        parts = [f"{prefix}{self.name}", *(a.usage() for a in self.args)]
        return " ".join(parts)

    def __post_init__(self) -> None:
        text_args = [a for a in self.args if a.kind is ArgKind.TEXT]
        if len(text_args) > 1 or (text_args and self.args[-1] is not text_args[0]):
            raise ValueError(f"{self.name}: only the last argument may take the rest of the line")


class Args(Mapping[str, Any]):
    """Converted argument values by name; absent optional arguments are None (flags False)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def int(self, name: str) -> int | None:
        value = self._values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        return value if isinstance(value, str) else None

    def flag(self, name: str) -> bool:
        return self._values.get(name) is True


def split_words(text: str) -> list[str]:
    """Split a command line into words; quotes group words. Unbalanced quotes are kept."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


class CommandTable:
    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        if command.name in self._commands:
            raise ValueError(f"command {command.name!r} is defined twice")
        self._commands[command.name] = command

    def extend(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self.add(command)

    def __iter__(self) -> Any:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def groups(self) -> set[str]:
        return {c.name.split()[0] for c in self._commands.values() if " " in c.name}

    def find(self, words: list[str]) -> tuple[Command | None, list[str]]:
        """The command named by the first one or two words, and the words after it."""
        lowered = [w.lower() for w in words]
        if len(words) >= 2:
            command = self._commands.get(f"{lowered[0]} {lowered[1]}")
            if command:
                return command, words[2:]
        if words:
            command = self._commands.get(lowered[0])
            if command:
                return command, words[1:]
        return None, words


def _convert(command: Command, arg: Arg, raw: str, prefix: str) -> Any:
    if arg.choices and raw.lower() not in arg.choices:
        raise UsageError(
            f"`{arg.name}` must be one of {', '.join(arg.choices)}; got {raw!r}.\n"
            f"Usage: {command.usage(prefix)}"
        )
    try:
        return arg.convert(raw.lower() if arg.choices else raw)
    except ValueError as exc:
        raise UsageError(
            f"`{arg.name}`: {exc}; got {raw!r}.\nUsage: {command.usage(prefix)}"
        ) from None


def _named(arg: Arg, rest: list[str]) -> bool:
    """Whether the words name a positional argument before its value ("kinds choice"):
    the first is the argument's name and is not itself a value it takes."""
    if len(rest) < 2 or rest[0].lower() != arg.name.lower():
        return False
    try:
        arg.convert(rest[0].lower() if arg.choices else rest[0])
    except ValueError:
        return True
    return False


def parse_words(command: Command, words: list[str], prefix: str = "/") -> Args:
    """Convert the words after a command's name into its arguments."""
    rest = list(words)
    values: dict[str, Any] = {}
    # Keywords and flags first, wherever they stand (a rest-of-line argument keeps its words).
    text_arg = next((a for a in command.args if a.kind is ArgKind.TEXT), None)
    for arg in command.args:
        if arg.kind is ArgKind.FLAG:
            word = (arg.keyword or arg.name).lower()
            found = [i for i, w in enumerate(rest) if w.lower() == word]
            values[arg.name] = bool(found)
            if found and text_arg is None:
                del rest[found[0]]
            elif found and found[0] == 0:
                del rest[0]
        elif arg.keyword:
            word = arg.keyword.lower()
            index = next((i for i, w in enumerate(rest) if w.lower() == word), None)
            if index is None:
                values[arg.name] = None
                continue
            if index + 1 >= len(rest):
                raise UsageError(f"`{arg.keyword}` needs a value.\nUsage: {command.usage(prefix)}")
            values[arg.name] = _convert(command, arg, rest[index + 1], prefix)
            del rest[index : index + 2]
    positional = [a for a in command.args if a.kind is not ArgKind.FLAG and not a.keyword]
    for position, arg in enumerate(positional):
        if arg.kind is ArgKind.TEXT:
            text = " ".join(rest).strip()
            rest = []
            values[arg.name] = text or None
            continue
        if not rest:
            values[arg.name] = None
            continue
        if _named(arg, rest):
            # "kinds bogus": the word is the argument's own name; its value follows.
            values[arg.name] = _convert(command, arg, rest[1], prefix)
            del rest[:2]
            continue
        later = positional[position + 1 :]
        if arg.required or not later:
            values[arg.name] = _convert(command, arg, rest.pop(0), prefix)
            continue
        try:
            values[arg.name] = _convert(command, arg, rest[0], prefix)
            rest.pop(0)
        except UsageError:
            values[arg.name] = None  # leave the word for a later argument
    if rest:
        raise UsageError(
            f"I did not understand {' '.join(rest)!r}.\nUsage: {command.usage(prefix)}"
        )
    for arg in command.args:
        if arg.required and values.get(arg.name) in (None, ""):
            raise UsageError(f"`{arg.name}` is required.\nUsage: {command.usage(prefix)}")
    return Args(values)


def parse_mapping(command: Command, raw: Mapping[str, str | None], prefix: str = "/") -> Args:
    """Convert named raw values (from typed platform options) into the command's arguments."""
    known = {a.name for a in command.args}
    unknown = set(raw) - known
    if unknown:
        raise UsageError(
            f"unknown argument {sorted(unknown)[0]!r}.\nUsage: {command.usage(prefix)}"
        )
    values: dict[str, Any] = {}
    for arg in command.args:
        value = raw.get(arg.name)
        if arg.kind is ArgKind.FLAG:
            values[arg.name] = str(value).lower() in ("true", "1", "yes", arg.name.lower())
        elif value is None or value == "":
            if arg.required:
                raise UsageError(f"`{arg.name}` is required.\nUsage: {command.usage(prefix)}")
            values[arg.name] = None
        elif arg.kind is ArgKind.TEXT:
            values[arg.name] = value.strip() or None
        else:
            values[arg.name] = _convert(command, arg, value.strip(), prefix)
    return Args(values)


@dataclass
class CommandSet:
    """Commands declared as closures, for ad-hoc tables (test fakes). Features declare
    theirs at module level with `Commands[Service]` instead."""

    commands: list[Command] = field(default_factory=list)

    def command(
        self,
        name: str,
        description: str,
        *args: Arg,
        moderator: bool = False,
        details: str = "",
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(
                Command(
                    name=name,
                    description=description,
                    handler=handler,
                    args=tuple(args),
                    moderator=moderator,
                    details=details,
                )
            )
            return handler

        return register


S = TypeVar("S")
# A module-level handler: the feature's service first, then the context and the arguments.
ServiceHandler = Callable[[S, "CommandContext", "Args"], Awaitable[Reply | list[Reply]]]


@dataclass(frozen=True)
class _Declared(Generic[S]):
    name: str
    description: str
    handler: ServiceHandler[S]
    args: tuple[Arg, ...]
    moderator: bool
    details: str


class Commands(Generic[S]):
    """A feature's commands, declared at module level over plain handler functions.

    ::

        commands: Commands[QuizService] = Commands()

        @commands.command("quiz stop", "Stop the quiz", moderator=True)
        async def quiz_stop(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply: ...

    The handlers stay importable and testable alone; `bind(service)` makes the table's
    Commands when the composition root builds the feature.
    """

    def __init__(self) -> None:
        self._declared: list[_Declared[S]] = []

    def command(
        self,
        name: str,
        description: str,
        *args: Arg,
        moderator: bool = False,
        details: str = "",
    ) -> Callable[[ServiceHandler[S]], ServiceHandler[S]]:
        def register(handler: ServiceHandler[S]) -> ServiceHandler[S]:
            self._declared.append(
                _Declared(name, description, handler, tuple(args), moderator, details)
            )
            return handler

        return register

    def bind(self, service: S) -> list[Command]:
        return [
            Command(
                name=d.name,
                description=d.description,
                handler=partial(d.handler, service),
                args=d.args,
                moderator=d.moderator,
                details=d.details,
            )
            for d in self._declared
        ]
