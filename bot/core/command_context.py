"""What a command handler is told about the call: who, where, when, with which prefix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.refs import Caller, Place

if TYPE_CHECKING:
    from bot.core.engine import Engine


@dataclass(frozen=True)
class CommandContext:
    caller: Caller
    place: Place
    is_moderator: bool
    now: datetime
    prefix: str
    engine: Engine
