"""Autocomplete: features say what fits an argument's hint ("chapter", "term", "timezone")
in a place, so an adapter with typed options (Discord) can offer it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.refs import MemberRef, Place


@dataclass(frozen=True)
class Suggestion:
    name: str  # what the member sees
    value: str | int  # what the command receives


# (place, what the member has typed so far, the member when known) -> suggestions, best
# first. The member matters where their spoiler line does (glossary terms).
Suggester = Callable[[Place, str, MemberRef | None], Awaitable[list[Suggestion]]]
