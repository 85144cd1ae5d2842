"""Slash commands generated from the core command table, and interactions mapped back.

The payload is built as plain JSON (what Discord's bulk-overwrite endpoint takes) rather
than through `app_commands` callbacks: the table is data, every command runs through the
same `Engine.run_named`, and the payload can be hashed and snapshotted as it is.

Rules:
- A one-word command is a top-level slash command (`/summary`).
- Two-word commands become subcommands of a group (`/quiz start`).
- A name that is both a command and a group prefix (`stats` beside `stats group`) becomes
  a subcommand of its group: `/stats me` (see PLAIN_SUBCOMMAND), or `/<name> show`.
- Options: `Arg.type` int -> integer, a flag -> boolean, hint "member" -> Discord's
  member picker (the core receives the member's id), else string; `choices` -> fixed
  choices; hints book/chapter/term/timezone -> autocomplete. Required options come first
  (Discord's rule); a keyword argument's option is named after the argument.
- What Discord would refuse is refused when the layout is built (SlashCommandError, naming
  the command): more than 25 options, subcommands or choices, three words, more than 100
  commands, a choice name over 100 characters, more than 8000 characters in a command, a
  name outside Discord's pattern, and an underscore in a command's name (button custom
  ids carry the command with `_` for its spaces, see send.CUSTOM_ID).
- Every command is guild only (a reading circle lives in a server). A top-level command
  or group whose commands are all moderator-only carries `default_member_permissions`
  = Manage Messages; the core checks moderators again on every call, since server
  admins can override that default.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from bot.core.commands import Arg, ArgKind, Command, CommandTable

log = logging.getLogger(__name__)

SUB_COMMAND = 1
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHAT_INPUT = 1
GUILD_CONTEXT = 0
GUILD_INSTALL = 0

MANAGE_MESSAGES = 1 << 13
# Discord's limits (Application Commands: naming, structure, registering a command).
DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
CHOICE_NAME_LIMIT = 100
OPTIONS_LIMIT = 25  # options of a command, and subcommands of a group
COMMANDS_LIMIT = 100  # chat-input commands of an application (or of a guild)
COMMAND_SIZE_LIMIT = 8000  # names, descriptions, choice names and values of one command

AUTOCOMPLETE_HINTS = frozenset({"book", "chapter", "term", "timezone"})
# The subcommand name a plain command takes when its name is also a group's.
PLAIN_SUBCOMMAND = {"stats": "me", "poll": "new"}
DEFAULT_PLAIN_SUBCOMMAND = "show"
# What Discord accepts as a command, subcommand or option name (the ASCII part of it).
NAME = re.compile(r"[-_a-z0-9]{1,32}")


class SlashCommandError(ValueError):
    """The command table holds something Discord would refuse; the message names it."""


def refusal(command: Command) -> str | None:
    """Why Discord (or the bot's button routing) cannot take this command, or None."""
    words = command.name.split()
    if len(words) > 2:
        return "a slash command has at most two words (a group and its subcommand)"
    for name in [*words, *(a.name for a in command.args)]:
        if not NAME.fullmatch(name):
            return f"{name!r} is not a Discord name (1-32 of a-z, 0-9, - and _)"
    if any("_" in word for word in words):
        # Button custom ids carry the command with `_` for its spaces (send.CUSTOM_ID).
        return "an underscore in a command's name would break its buttons' routing"
    shown = command.visible_args
    if len(shown) > OPTIONS_LIMIT:
        return f"{len(shown)} options, more than Discord's {OPTIONS_LIMIT}"
    if len({a.name.lower() for a in shown}) < len(shown):
        return "two options with one name"
    for arg in shown:
        if len(arg.choices) > CHOICES_LIMIT:
            return f"option {arg.name!r} has {len(arg.choices)} choices, more than {CHOICES_LIMIT}"
        for choice in arg.choices:
            if not 1 <= len(choice) <= CHOICE_NAME_LIMIT:
                return (
                    f"option {arg.name!r} has a choice of {len(choice)} characters"
                    f" (Discord takes 1-{CHOICE_NAME_LIMIT}): {choice[:40]!r}"
                )
    return None


def command_size(node: Mapping[str, Any]) -> int:
    """The characters Discord counts towards a command's 8000."""
    size = len(str(node.get("name", ""))) + len(str(node.get("description", "")))
    for choice in node.get("choices") or []:
        size += len(str(choice["name"])) + len(str(choice["value"]))
    return size + sum(command_size(o) for o in node.get("options") or [])


def _describe(text: str) -> str:
    text = " ".join(text.split()) or "-"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def option_type(arg: Arg) -> int:
    if arg.kind is ArgKind.FLAG:
        return BOOLEAN
    if arg.type is int and arg.kind is ArgKind.WORD:
        return INTEGER
    if arg.hint == "member" and not arg.choices:
        return USER  # Discord's member picker; the core gets the member's id
    return STRING


def _option(arg: Arg) -> dict[str, Any]:
    kind = option_type(arg)
    option: dict[str, Any] = {
        "type": kind,
        "name": arg.name.lower(),
        "description": _describe(arg.help),
        "required": arg.required,
    }
    if arg.choices and kind == STRING:
        option["choices"] = [{"name": c, "value": c} for c in arg.choices]
    elif arg.hint in AUTOCOMPLETE_HINTS and kind in (STRING, INTEGER):
        option["autocomplete"] = True
    return option


def _options(command: Command) -> list[dict[str, Any]]:
    shown = command.visible_args  # a hidden argument (a question's token) is set by buttons
    ordered = [a for a in shown if a.required] + [a for a in shown if not a.required]
    return [_option(a) for a in ordered]


class SlashCommands:
    """The slash command layout of one command table."""

    def __init__(self, table: CommandTable) -> None:
        self.table = table
        groups = table.groups()
        # (top-level name, subcommand name or None) -> core command name
        self.routes: dict[tuple[str, str | None], str] = {}
        # core name -> its slash name, where they differ ("stats" -> "stats me")
        self.renamed: dict[str, str] = {}
        for command in table:
            problem = refusal(command)
            if problem is not None:
                raise SlashCommandError(f"command {command.name!r}: {problem}")
            words = command.name.split()
            if len(words) == 2:
                self.routes[(words[0], words[1])] = command.name
            elif command.name in groups:
                sub = PLAIN_SUBCOMMAND.get(command.name, DEFAULT_PLAIN_SUBCOMMAND)
                if table.get(f"{command.name} {sub}") is not None:
                    raise SlashCommandError(
                        f"command {command.name!r}: /{command.name} {sub} would stand for two"
                        " commands"
                    )
                self.routes[(command.name, sub)] = command.name
                self.renamed[command.name] = f"{command.name} {sub}"
            else:
                self.routes[(command.name, None)] = command.name
        self._check_layout()

    def _check_layout(self) -> None:
        """What Discord counts over the whole layout: subcommands per group, commands,
        characters per command."""
        subcommands: dict[str, list[str]] = {}
        for (top, sub), name in self.routes.items():
            if sub is not None:
                subcommands.setdefault(top, []).append(name)
        for top, names in sorted(subcommands.items()):
            if len(names) > OPTIONS_LIMIT:
                raise SlashCommandError(
                    f"group {top!r}: {len(names)} subcommands, more than Discord's"
                    f" {OPTIONS_LIMIT} (e.g. {sorted(names)[OPTIONS_LIMIT]!r})"
                )
        tops = sorted({top for top, _ in self.routes})
        if len(tops) > COMMANDS_LIMIT:
            raise SlashCommandError(
                f"{len(tops)} slash commands, more than Discord's {COMMANDS_LIMIT}"
                f" (from {tops[COMMANDS_LIMIT]!r} on)"
            )
        for body in self.payload():
            size = command_size(body)
            if size > COMMAND_SIZE_LIMIT:
                raise SlashCommandError(
                    f"command {body['name']!r}: {size} characters of names, descriptions and"
                    f" choices, more than Discord's {COMMAND_SIZE_LIMIT}"
                )

    def payload(self) -> list[dict[str, Any]]:
        """The JSON body of a bulk overwrite, sorted so that equal tables give equal bytes."""
        tops: dict[str, list[tuple[str | None, Command]]] = {}
        for (top, sub), name in self.routes.items():
            command = self.table.get(name)
            assert command is not None
            tops.setdefault(top, []).append((sub, command))
        result = []
        for top in sorted(tops):
            entries = sorted(tops[top], key=lambda e: e[0] or "")
            body: dict[str, Any] = {"type": CHAT_INPUT, "name": top}
            if entries[0][0] is None:
                command = entries[0][1]
                body["description"] = _describe(command.description)
                body["options"] = _options(command)
            else:
                body["description"] = _describe(f"{top}: " + ", ".join(s or "" for s, _ in entries))
                body["options"] = [
                    {
                        "type": SUB_COMMAND,
                        "name": sub,
                        "description": _describe(command.description),
                        "options": _options(command),
                    }
                    for sub, command in entries
                ]
            moderator_only = all(command.moderator for _, command in entries)
            body["default_member_permissions"] = str(MANAGE_MESSAGES) if moderator_only else None
            body["contexts"] = [GUILD_CONTEXT]
            body["integration_types"] = [GUILD_INSTALL]
            body["nsfw"] = False
            result.append(body)
        return result

    def digest(self, scope: str) -> str:
        """A hash of the payload and where it is synced (global or a guild)."""
        raw = json.dumps({"scope": scope, "commands": self.payload()}, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()

    def resolve(
        self, data: Mapping[str, Any]
    ) -> tuple[Command, dict[str, str | None], tuple[str, str] | None] | None:
        """From an interaction's data: the core command, its raw option values, and the
        focused option (name, partial value) when this is an autocomplete request."""
        top = str(data.get("name", ""))
        options: list[Mapping[str, Any]] = list(data.get("options") or [])
        sub: str | None = None
        if options and options[0].get("type") == SUB_COMMAND:
            sub = str(options[0]["name"])
            options = list(options[0].get("options") or [])
        name = self.routes.get((top, sub))
        command = self.table.get(name) if name else None
        if command is None:
            return None
        raw: dict[str, str | None] = {}
        focused: tuple[str, str] | None = None
        for option in options:
            value = option.get("value")
            if isinstance(value, bool):
                text: str | None = "true" if value else "false"
            else:
                text = None if value is None else str(value)
            raw[str(option["name"])] = text
            if option.get("focused"):
                focused = (str(option["name"]), text or "")
        return command, raw, focused
