"""The command table: names, typed arguments, who may run them, handlers.

One table serves every adapter. A command's name may have two words ("quiz start");
arguments are positional (`[chapter]`), keyword (`questions N`), flags (`long`) or the
rest of the line (`[words...]`). Adapters with typed options (Discord) pass a mapping of
raw strings to `parse_mapping`; text adapters pass the words after the name to
`parse_words`. Both run the same converters, so an argument error reads the same
everywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.core.command_context import CommandContext


# Words a newcomer types for a subcommand named otherwise, for "did you mean" only.
SYNONYMS = {
    "end": "stop",
    "finish": "stop",
    "cancel": "stop",
    "begin": "start",
    "on": "set",
    "enable": "set",
    "disable": "off",
    "info": "status",
    "view": "show",
    "list": "show",
}


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
    # The shape a word given by position must have to be taken for this argument
    # (`Area/City` for a timezone); the converter alone decides when None.
    shape: Callable[[str], bool] | None = None
    # Internal (a quiz question's token, set by buttons): keyword only, left out of
    # usage lines, help and typed platform options.
    hidden: bool = False
    # Whether a word given by position may be taken for this argument; False for a value
    # no shape tells apart (a deck's name), which is then given by keyword only.
    by_position: bool = True

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
    # The command its group's name alone runs (`/quiz` is `/quiz status`).
    group_default: bool = False
    # Only the bot's operators may run it (config `moderators.users`, the console's
    # moderator), not a group's moderators: it changes what every group sees (reload).
    operator: bool = False
    # It stores the caller's id or name (an answer, a check-in, a practice game, who
    # started a quiz): the engine refuses it to a member who opted out.
    keeps_member_data: bool = False

    def usage(self, prefix: str = "/") -> str:
        parts = [f"{prefix}{self.name}", *(a.usage() for a in self.visible_args)]
        return " ".join(parts)

    @property
    def visible_args(self) -> tuple[Arg, ...]:
        """The arguments a person types (not the hidden ones)."""
        return tuple(a for a in self.args if not a.hidden)

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


class CommandTable:
    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        # What a group's name alone runs: "quiz" -> "quiz status".
        self._defaults: dict[str, str] = {}
        for command in commands:
            self.add(command)

    def set_default(self, group: str, name: str) -> None:
        """Make the group's name alone run the command `name` (one of the group's)."""
        if not name.startswith(group + " "):
            raise ValueError(f"{name!r} is not a command of the group {group!r}")
        self._defaults[group] = name

    def default(self, group: str) -> Command | None:
        """The command a group's name alone runs, if it was declared and exists."""
        name = self._defaults.get(group.lower())
        return self._commands.get(name) if name else None

    def suggest(
        self,
        words: Sequence[str],
        limit: int = 3,
        allowed: Callable[[Command], bool] = lambda command: True,
    ) -> list[Command]:
        """Commands a mistyped line may have meant, best first ("sumary" -> summary,
        "quiz end" -> quiz stop, "practice start" -> quiz practice); only those `allowed`
        (the ones the caller may run)."""
        lowered = [w.lower() for w in words[:2]]
        if not lowered:
            return []
        found: list[str] = []

        def add(names: Iterable[str]) -> None:
            found.extend(n for n in names if n not in found)

        names = [n for n, c in self._commands.items() if allowed(c)]
        groups = self.groups()
        first = lowered[0]
        second = SYNONYMS.get(lowered[1], lowered[1]) if len(lowered) > 1 else None
        # A word that is the second of a name ("practice start" -> quiz practice).
        add(n for n in names if n.split()[1:] == [first])
        if first in groups and second is not None:
            subs = {n.split()[1]: n for n in names if n.startswith(first + " ")}
            if second in subs:  # a synonym ("end" for stop) names one exactly
                return [self._commands[subs[second]]]
            add(subs[m] for m in sorted(subs) if m.startswith(second))  # "stat" -> status
            add(subs[m] for m in difflib.get_close_matches(second, list(subs), limit, 0.6))
        if second is not None:
            add(difflib.get_close_matches(f"{first} {second}", names, limit, 0.75))
        add(difflib.get_close_matches(first, names, limit, 0.7))
        if first not in groups:
            close_groups = difflib.get_close_matches(first, sorted(groups), 1, 0.7)
            for group in close_groups:
                if (default := self.default(group)) is not None and allowed(default):
                    add([default.name])
        return [self._commands[n] for n in found[:limit]]

    def add(self, command: Command) -> None:
        if command.name in self._commands:
            raise ValueError(f"command {command.name!r} is defined twice")
        self._commands[command.name] = command
        if command.group_default:
            self.set_default(command.name.split()[0], command.name)

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


def _merge_lists(words: list[str]) -> list[str]:
    """Join a comma-space list back into one word: "choice," "text" -> "choice,text"."""
    merged: list[str] = []
    for word in words:
        if merged and (merged[-1].endswith(",") or word.startswith(",")):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def _accepts(arg: Arg, raw: str) -> bool:
    """Whether a word given by position has this argument's shape and converts."""
    if arg.choices:
        return raw.lower() in arg.choices
    if arg.shape is not None and not arg.shape(raw):
        return False
    try:
        arg.convert(raw)
    except (ValueError, UserError):
        return False
    return True


def _keyword_word(arg: Arg, named: bool) -> str | None:
    """The word that names this argument before its value, when it may be named."""
    if arg.kind is not ArgKind.WORD:
        return None
    if arg.keyword:
        return arg.keyword.lower()
    return arg.name.lower() if named else None


def parse_words(command: Command, words: list[str], prefix: str = "/") -> Args:
    """Convert the words after a command's name into its arguments.

    Flags and keywords (`questions 3`, or an argument's own name before its value:
    `kinds choice`) are taken first, wherever they stand; then the other words fill the
    remaining arguments by position, in the usage order. A word skips an optional
    argument it does not fit (`/quiz start 15 5`: 5 is no kind, so it is the count);
    hidden arguments (a quiz question's token) are taken by keyword only.
    """
    usage = f"Usage: {command.usage(prefix)}"
    text_arg = next((a for a in command.args if a.kind is ArgKind.TEXT), None)
    rest = list(words) if text_arg is not None else _merge_lists(list(words))
    values: dict[str, Any] = {}
    given: set[str] = set()
    for arg in command.args:
        if arg.kind is ArgKind.FLAG:
            word = (arg.keyword or arg.name).lower()
            found = [i for i, w in enumerate(rest) if w.lower() == word]
            values[arg.name] = bool(found)
            if found and text_arg is None:
                del rest[found[0]]
            elif found and found[0] == 0:
                del rest[0]
            continue
        named = _keyword_word(arg, named=text_arg is None)
        if named is None:
            continue
        word = named
        found = [i for i, w in enumerate(rest) if w.lower() == word]
        if not arg.keyword:
            # The argument's own name is a keyword only where it is no value of its own
            # ("kinds choice"), and only before a value.
            found = [i for i, _ in enumerate(rest) if _named(arg, rest[i : i + 2])]
        if not found:
            continue
        if len(found) > 1:
            raise UsageError(f"`{word}` is given twice; give it once.\n{usage}")
        index = found[0]
        if index + 1 >= len(rest):
            raise UsageError(f"`{word}` needs a value.\n{usage}")
        values[arg.name] = _convert(command, arg, rest[index + 1], prefix)
        given.add(arg.name)
        del rest[index : index + 2]
    slots = [
        a
        for a in command.args
        if a.kind is not ArgKind.FLAG and a.name not in given and not a.hidden and a.by_position
    ]
    position = 0
    while rest:
        raw = rest[0]
        placed = False
        tried: list[Arg] = []
        start = position
        while position < len(slots):
            arg = slots[position]
            position += 1
            if arg.kind is ArgKind.TEXT:
                values[arg.name] = " ".join(rest).strip() or None
                rest = []
                placed = True
                break
            if _accepts(arg, raw):
                values[arg.name] = _convert(command, arg, raw, prefix)
                rest.pop(0)
                placed = True
                break
            tried.append(arg)
            if arg.required:
                break
        if placed:
            continue
        # A word that fits no later argument may fill one skipped before, when it has that
        # argument's shape (`/daily set Europe/London 09:00`).
        earlier = next(
            (a for a in slots[:start] if a.name not in values and _accepts(a, raw)), None
        )
        if earlier is not None:
            values[earlier.name] = _convert(command, earlier, raw, prefix)
            rest.pop(0)
            continue
        if tried:
            # Name the argument the word was most likely meant for: the last required one
            # tried, else the first plain positional one, else the first tried.
            blame = next(
                (a for a in tried if a.required),
                next((a for a in tried if not a.keyword), tried[0]),
            )
            _convert(command, blame, raw, prefix)  # raises its own message when it can
            raise UsageError(f"{raw!r} does not fit `{blame.name}` ({blame.help}).\n{usage}")
        raise UsageError(f"I did not understand {' '.join(rest)!r}.\n{usage}")
    for arg in command.args:
        values.setdefault(arg.name, None)
        if arg.required and values.get(arg.name) in (None, ""):
            raise UsageError(f"`{arg.name}` is required.\n{usage}")
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
    group_default: bool
    operator: bool
    keeps_member_data: bool


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
        group_default: bool = False,
        operator: bool = False,
        keeps_member_data: bool = False,
    ) -> Callable[[ServiceHandler[S]], ServiceHandler[S]]:
        def register(handler: ServiceHandler[S]) -> ServiceHandler[S]:
            self._declared.append(
                _Declared(
                    name,
                    description,
                    handler,
                    tuple(args),
                    moderator,
                    details,
                    group_default,
                    operator,
                    keeps_member_data,
                )
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
                group_default=d.group_default,
                operator=d.operator,
                keeps_member_data=d.keeps_member_data,
            )
            for d in self._declared
        ]
