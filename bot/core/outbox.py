"""Posting without a command: daily quotes, timed quiz reveals. Adapters register here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.core.refs import Place
from bot.core.replies import Reply

log = logging.getLogger(__name__)


class Poster(Protocol):
    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        """Send replies to a channel. Raises PostError when the platform refuses."""
        ...


@runtime_checkable
class Reaching(Protocol):
    """A poster that knows which places this process can reach (Discord with shards: the
    guilds of its own shards). A poster without `reaches` reaches every place of its
    platform."""

    def reaches(self, place: Place) -> bool: ...


@runtime_checkable
class PrivatePoster(Protocol):
    """A poster that can send one member a private note without a command (a review
    reminder): the console shows it marked private; a platform would send a direct message."""

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None: ...


class PostError(Exception):
    """The platform refused a post (channel gone, no permission...)."""


class Outbox:
    """Routes posts to the adapter of the place's platform."""

    def __init__(self) -> None:
        self._posters: dict[str, Poster] = {}
        # Whether each poster answers `reaches` (a Protocol isinstance check is slow, and a
        # daily round asks it for every due channel): decided once, when it registers.
        self._reaching: dict[str, bool] = {}

    def register(self, platform: str, poster: Poster) -> None:
        self._posters[platform] = poster
        self._reaching[platform] = isinstance(poster, Reaching)

    def reaches(self, place: Place) -> bool:
        """This process can post to the place: an adapter of its platform runs here and
        answers for it. Work for a place it cannot reach is left to the process that can
        (e.g. a daily quote for a guild on another process's Discord shard)."""
        poster = self._posters.get(place.platform)
        if poster is None:
            return False
        return poster.reaches(place) if self._reaching[place.platform] else True  # type: ignore[attr-defined]

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        poster = self._posters.get(place.platform)
        if poster is None:
            raise PostError(f"no adapter is running for {place.platform}")
        await poster.post(place, replies)

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None:
        """A private note to a member of the place's platform; PostError when its adapter
        cannot send one."""
        poster = self._posters.get(place.platform)
        if not isinstance(poster, PrivatePoster):
            raise PostError(f"no adapter for {place.platform} here can send private notes")
        await poster.post_private(place, user_id, replies)
