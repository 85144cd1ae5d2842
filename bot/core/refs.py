"""Who is speaking and where: the facts an adapter hands to the core."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """A member as the adapter sees them.

    `platform_moderator` is the adapter's fact (Discord permission, Matrix power level,
    the console's --moderator flag); the core combines it with the config to decide.
    """

    user_id: str
    display_name: str
    platform_moderator: bool = False
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A channel of a group (a Discord guild, a Matrix room, the console)."""

    platform: str
    group_id: str
    channel_id: str
    thread_id: str | None = None

    @property
    def group_key(self) -> str:
        return f"{self.platform}:{self.group_id}"

    @property
    def channel_key(self) -> str:
        return f"{self.platform}:{self.channel_id}"
