"""The engine: what adapters talk to. It parses commands, checks rights, runs handlers
and records activity. It does no platform I/O of its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.activity import Activity, ActivityKind, ActivitySink, Bounded
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import (
    Args,
    Command,
    CommandTable,
    UsageError,
    UserError,
    parse_mapping,
    parse_words,
)
from bot.core.member_data import NoOptOuts, OptOuts
from bot.core.outbox import Outbox
from bot.core.refs import Caller, MemberRef, Place
from bot.core.replies import NO_TRACE, Reply, error
from bot.core.suggestions import Suggester, Suggestion
from bot.core.threads import Threads
from bot.core.words import line_too_long, split_words

log = logging.getLogger(__name__)

PREFIXES = ("/", "!")


@dataclass(frozen=True)
class ModeratorPolicy:
    """Who moderates, decided in the core.

    A caller moderates when the adapter vouches for them (Discord permission, Matrix
    power level, the console flag), or when config names their user id or a role of theirs.
    """

    members: frozenset[MemberRef] = frozenset()
    # Ids named without a platform ("@alice:example.org"): they moderate on any platform.
    any_platform: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()

    @classmethod
    def from_names(
        cls, users: Iterable[str], roles: Iterable[str], platforms: Iterable[str]
    ) -> ModeratorPolicy:
        """Config names: "console:alice" is alice on the console; a name whose part before
        the first colon is no platform ("@alice:example.org") is an id on any platform."""
        known = set(platforms)
        members: set[MemberRef] = set()
        bare: set[str] = set()
        for name in users:
            platform, colon, user_id = name.partition(":")
            if colon and platform in known and user_id:
                members.add(MemberRef(platform, user_id))
            else:
                bare.add(name)
        return cls(frozenset(members), frozenset(bare), frozenset(roles))

    def is_moderator(self, caller: Caller, place: Place) -> bool:
        if caller.platform_moderator:
            return True
        if place.member(caller) in self.members or caller.user_id in self.any_platform:
            return True
        return bool(self.roles.intersection(caller.roles))

    def is_operator(self, caller: Caller, place: Place) -> bool:
        """The bot's operators: the users config names, and the console's moderator (who
        runs the bot in a terminal). A group's moderator is not one by that alone."""
        if place.member(caller) in self.members or caller.user_id in self.any_platform:
            return True
        return place.platform == "console" and caller.platform_moderator


class Engine:
    def __init__(
        self,
        table: CommandTable,
        clock: Clock,
        moderators: ModeratorPolicy | None = None,
        sinks: Iterable[ActivitySink] = (),
    ) -> None:
        self.table = table
        self.clock = clock
        self.moderators = moderators or ModeratorPolicy()
        self.sinks = list(sinks)
        self.outbox = Outbox()
        # Discussion threads and native polls of the adapters that have them.
        self.threads = Threads(may_keep=self._may_keep_vote)
        # Lines features and adapters add to `help` (how quiz points are counted...).
        self.help_notes: list[str] = []
        # Autocomplete by argument hint ("chapter", "term", "timezone").
        self.suggesters: dict[str, Suggester] = {}
        # Who opted out (the privacy feature's list, handed over by the composition root):
        # asked here, and only here, before member data is kept.
        self.opt_outs: OptOuts = NoOptOuts()
        # The errors that mean "storage cannot save now" (a full disk, a locked or
        # read-only database), named by the composition root: the core knows no storage.
        self.unavailable: tuple[type[Exception], ...] = ()
        # Events wait here until the app has resumed its state (quizzes, schedules).
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        """Make incoming events wait until `release()` (set while the app starts)."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    # -- activity ---------------------------------------------------------------------

    def may_keep(self, member: MemberRef) -> bool:
        """Whether data about this member may be kept (they have not opted out); adapters
        ask it before they store a member's id (a Matrix reaction picking an answer)."""
        return not self.opt_outs.is_opted_out(member)

    async def _may_keep_vote(self, member: MemberRef) -> bool:
        """A vote in a native poll is kept only for a member who has not opted out."""
        return not await self._opted_out(member)

    async def _opted_out(self, member: MemberRef) -> bool:
        """Before a command keeps member data: known here, or asked of the database (an
        opt-out made through another process counts at once)."""
        return not self.may_keep(member) or await self.opt_outs.has_opted_out(member)

    def record(
        self, kind: ActivityKind, caller: Caller, place: Place, at: datetime | None = None
    ) -> None:
        """Hand an event to the sinks; `at` when it happened, if not now."""
        if not self.may_keep(place.member(caller)):
            return  # an opted-out member's activity is not even counted
        when = self.clock.now() if at is None else at
        activity = Activity(kind, place, caller.user_id, caller.display_name, when)
        for sink in self.sinks:
            try:
                sink.record(activity)
            except Exception:
                log.exception("activity sink %r failed", sink)

    async def on_message(self, caller: Caller, place: Place, text: str) -> list[Reply] | None:
        """A message in a channel: a command when it starts with / or !, else activity.

        Returns the replies to a command, or None for an ordinary message. The text of an
        ordinary message is never kept.
        """
        await self._open.wait()
        stripped = text.strip()
        if stripped[:1] in PREFIXES and len(stripped) > 1 and not stripped[1:2].isspace():
            return await self.run_line(caller, place, stripped[1:], prefix=stripped[0])
        kind = ActivityKind.THREAD_REPLY if place.thread_id else ActivityKind.MESSAGE
        self.record(kind, caller, place)
        await self.room()
        return None

    async def room(self) -> None:
        """Back-pressure: wait while a sink that can say so is full (the participation
        recorder while it writes one batch with the next already full)."""
        for sink in self.sinks:
            if isinstance(sink, Bounded):
                await sink.room()

    def on_reaction(self, caller: Caller, place: Place) -> None:
        self.record(ActivityKind.REACTION, caller, place)

    async def suggest(
        self, hint: str, place: Place, current: str, member: MemberRef | None = None
    ) -> list[Suggestion]:
        """What fits an argument with this hint in this place, for the member typing it
        when known (empty when nothing does)."""
        suggester = self.suggesters.get(hint)
        if suggester is None:
            return []
        try:
            return await suggester(place, current, member)
        except Exception:
            log.exception("suggestions for %s failed", hint)
            return []

    # -- commands ---------------------------------------------------------------------

    def context(self, caller: Caller, place: Place, prefix: str = "/") -> CommandContext:
        return CommandContext(
            caller=caller,
            place=place,
            is_moderator=self.moderators.is_moderator(caller, place),
            now=self.clock.now(),
            prefix=prefix,
            engine=self,
        )

    async def run_line(
        self, caller: Caller, place: Place, line: str, prefix: str = "/"
    ) -> list[Reply]:
        """Run a command line given without its prefix, e.g. "summary 15 long"."""
        await self._open.wait()
        if (too_long := line_too_long(line)) is not None:
            return [error(too_long)]
        words = split_words(line)
        command, rest = self.table.find(words)
        if command is None and len(words) == 1:
            command, rest = self.table.default(words[0]), []
        if command is None:
            moderator = self.moderators.is_moderator(caller, place)
            return [self._unknown(words, prefix, moderator)]
        return await self._run(
            command, caller, place, prefix, lambda: parse_words(command, rest, prefix)
        )

    async def run_named(
        self,
        name: str,
        caller: Caller,
        place: Place,
        options: Mapping[str, str | None],
        prefix: str = "/",
    ) -> list[Reply]:
        """Run a command by name with raw option values (typed platforms)."""
        await self._open.wait()
        command = self.table.get(name)
        if command is None:
            return [error(f"There is no command {name!r}.")]
        return await self._run(
            command, caller, place, prefix, lambda: parse_mapping(command, options, prefix)
        )

    async def _run(
        self,
        command: Command,
        caller: Caller,
        place: Place,
        prefix: str,
        parse: Callable[[], Args],
    ) -> list[Reply]:
        ctx = self.context(caller, place, prefix)
        if command.operator and not self.moderators.is_operator(caller, place):
            return [
                error(
                    f"Only the bot's operators (the users named in its config) can use "
                    f"{prefix}{command.name}: it changes what every group sees."
                )
            ]
        if command.moderator and not ctx.is_moderator:
            return [error(f"Only moderators can use {prefix}{command.name}.")]
        try:
            args = parse()
            if command.keeps_member_data and await self._opted_out(place.member(caller)):
                return [_opted_out(command, prefix)]
            result = await command.handler(ctx, args)
        except UsageError as exc:
            return [error(str(exc))]
        except UserError as exc:
            return [error(str(exc))]
        except self.unavailable as exc:
            # One line naming the cause (a full disk...); the member is told to retry.
            log.error("command %s could not use the database: %s", command.name, exc)
            return [
                error(
                    "Could not save that: the bot's storage is not available just now "
                    "(nothing was changed). Please try again later."
                )
            ]
        except Exception:
            log.exception("command %s failed", command.name)
            return [
                error(
                    "Something went wrong with that command. It has been logged for the moderators."
                )
            ]
        replies = result if isinstance(result, list) else [result]
        if not any(NO_TRACE in r.tags for r in replies):
            self.record(ActivityKind.COMMAND, caller, place)
        return replies

    def _unknown(self, words: Sequence[str], prefix: str, moderator: bool) -> Reply:
        """An unknown command: what it may have meant and, for a group, its subcommands;
        only what the caller may run (a member is not pointed to moderators' commands)."""
        close = self.table.suggest(words, allowed=lambda c: moderator or not c.moderator)
        hint = (
            "Did you mean " + " or ".join(f"{prefix}{c.name}" for c in close) + "?\n"
            if close
            else ""
        )
        if words and words[0].lower() in self.table.groups():
            group = words[0].lower()
            names = sorted(
                c.usage(prefix)
                for c in self.table
                if c.name.startswith(group + " ") and (moderator or not c.moderator)
            )
            if len(words) > 1:
                head = f"{prefix}{group} has no subcommand {words[1]!r}."
            else:
                head = f"{prefix}{group} needs a subcommand."
            if not names:
                return error(f"{head} Its subcommands are for moderators.")
            return error(f"{head} {hint}Its subcommands:\n" + "\n".join(names))
        shown = f"{prefix}{words[0]}" if words else prefix
        return error(f"Unknown command {shown!r}. {hint}Type {prefix}help for the list.")


def _opted_out(command: Command, prefix: str) -> Reply:
    return Reply(
        text=f"You opted out ({prefix}privacy optout), so nothing is kept about you, and "
        f"{prefix}{command.name} would keep your id and name: it was not run. "
        f"{prefix}privacy optin to take part again.",
        private=True,
        tags=frozenset({"error", NO_TRACE}),
    )
