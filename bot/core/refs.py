"""Who is speaking and where: typed references with one key each.

A member is (platform, user); a group is (platform, group); a place is (platform, group,
channel, thread). Code compares and stores these values, never strings built from them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemberRef:
    """A member of a platform (the same person in every group of that platform)."""

    platform: str
    user_id: str


@dataclass(frozen=True)
class GroupRef:
    """A group: a Discord guild, a Matrix room, a console group."""

    platform: str
    group_id: str


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
    """A channel of a group, or a thread in that channel."""

    platform: str
    group_id: str
    channel_id: str
    thread_id: str | None = None

    @property
    def group(self) -> GroupRef:
        return GroupRef(self.platform, self.group_id)

    def member(self, caller: Caller) -> MemberRef:
        """The caller as a member of this place's platform."""
        return MemberRef(self.platform, caller.user_id)

    @property
    def channel(self) -> Place:
        """The channel itself (the parent, when this place is a thread)."""
        return Place(self.platform, self.group_id, self.channel_id)
