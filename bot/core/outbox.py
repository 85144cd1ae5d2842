"""Posting without a command: daily quotes, timed quiz reveals. Adapters register here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.core.refs import Place
from bot.core.replies import Reply

log = logging.getLogger(__name__)


class Poster(Protocol):
    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        """Send replies to a channel. Raises PostError when the platform refuses."""
        ...


class PostError(Exception):
    """The platform refused a post (channel gone, no permission...)."""


class Outbox:
    """Routes posts to the adapter of the place's platform."""

    def __init__(self) -> None:
        self._posters: dict[str, Poster] = {}

    def register(self, platform: str, poster: Poster) -> None:
        self._posters[platform] = poster

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        poster = self._posters.get(place.platform)
        if poster is None:
            raise PostError(f"no adapter is running for {place.platform}")
        await poster.post(place, replies)
