"""Autocomplete: features say what fits an argument's hint ("chapter", "term", "timezone")
in a place, so an adapter with typed options (Discord) can offer it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.refs import Place


@dataclass(frozen=True)
class Suggestion:
    name: str  # what the member sees
    value: str | int  # what the command receives


# (place, what the member has typed so far) -> suggestions, best first
Suggester = Callable[[Place, str], Awaitable[list[Suggestion]]]
