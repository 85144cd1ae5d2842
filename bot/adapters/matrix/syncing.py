"""The sync loop: long-polls the homeserver, hands each batch's events over in timeline
order, keeps the sync token and handled event ids in the database so a restart neither
replays nor misses events. The very first sync only learns the rooms: what happened
before the bot first started is skipped, and so is a room's history before the bot
joined it. When the homeserver goes away, syncs are retried with a growing wait (up to
`max_retry_wait` seconds) until it answers again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from nio import AsyncClient, RoomMessagesResponse, SyncResponse

from bot.adapters.matrix.events import EventHandler
from bot.adapters.matrix.keys import exchange_keys
from bot.adapters.matrix.login import UNKNOWN_TOKEN
from bot.adapters.matrix.power import RoomPowers
from bot.adapters.matrix.rooms import RoomKeeper
from bot.adapters.matrix.state import MatrixStore, SyncLease
from bot.config import MatrixConfig
from bot.core.clock import Clock
from bot.core.outbox import PostError

log = logging.getLogger(__name__)

SEEN_KEPT = timedelta(days=7)
PRUNE_EVERY = 1000  # syncs between two clean-ups of the handled event ids
# Members come lazily: a batch carries the member events of its timeline's senders only
# (spec: "Lazy-loading room members"), not every member of every room.
SYNC_FILTER = {
    "room": {"timeline": {"limit": 100}, "state": {"lazy_load_members": True}},
    "presence": {"types": []},
}
# How far back a gap in a room's timeline is filled after an outage (pages of 100 events).
BACKFILL_PAGES = 10


class Syncer:
    def __init__(
        self,
        client: AsyncClient,
        config: MatrixConfig,
        state: MatrixStore,
        clock: Clock,
        lease: SyncLease,
        events: EventHandler,
        rooms: RoomKeeper,
        powers: RoomPowers,
    ) -> None:
        self.client = client
        self.config = config
        self.state = state
        self.clock = clock
        self.lease = lease
        self.events = events
        self.rooms = rooms
        self.powers = powers
        self.me = config.user_id

    async def run(
        self,
        on_connected: Callable[[], None],
        on_ready: Callable[[], None],
        log_in_again: Callable[[], Awaitable[bool]],
    ) -> None:
        """Sync until cancelled or the lease is lost; `on_connected` after each good sync
        response, `on_ready` once the first one is handled; on M_UNKNOWN_TOKEN
        `log_in_again`, and stop when it fails. Full state only on the very first sync of
        the account (no kept token); later starts go on from the token."""
        token = await self.state.sync_token()
        if token is not None:
            await self.rooms.learn_joined_rooms()
        first = True
        failures = syncs = 0
        while True:
            try:
                resp = await self.client.sync(
                    timeout=0 if first else int(self.config.sync_timeout * 1000),
                    sync_filter=SYNC_FILTER,
                    since=token,
                    full_state=True if token is None else None,
                )
                if isinstance(resp, SyncResponse):
                    if not await self.lease.held():
                        return  # another process syncs now: this batch is its to handle
                    on_connected()
                    await exchange_keys(self.client)
                    await self._handle_sync(resp, since=token)
            except Exception:  # a broken response or a bug: log it, keep the bot alive
                log.exception("matrix: sync failed")
                resp = None
            if not isinstance(resp, SyncResponse):
                if getattr(resp, "status_code", None) == UNKNOWN_TOKEN:
                    if not await log_in_again():
                        return
                    continue
                failures += 1
                wait = min(self.config.max_retry_wait, 0.5 * 2 ** min(failures, 6))
                log.warning("matrix: sync failed (%s); again in %.1fs", resp, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            token = resp.next_batch
            await self.state.save_sync_token(token)
            syncs += 1
            if syncs % PRUNE_EVERY == 0:
                await self.state.forget_seen_before(self.clock.now() - SEEN_KEPT)
            if first:
                first = False
                await self.rooms.join_configured_rooms()
                on_ready()

    async def _handle_sync(self, resp: SyncResponse, since: str | None) -> None:
        for room_id, info in resp.rooms.join.items():
            await self._handle_room(room_id, info, since)
        # After the joined rooms: an upgrade seen there makes its successor's invite welcome.
        for room_id, invite in resp.rooms.invite.items():
            await self.rooms.on_invite(room_id, invite.invite_state)
        for room_id in resp.rooms.leave:
            self.powers.forget(room_id)

    async def _handle_room(self, room_id: str, info: Any, since: str | None) -> None:
        history = since is None
        left = False  # someone else left or was banned in this batch
        for event in info.state:
            self.powers.on_state_event(room_id, event.source)
            await self._follow_tombstone(room_id, event.source)
        events = list(info.timeline.events)
        joined_at = len(events) if history else self._joined_at(events)
        if info.timeline.limited and joined_at == 0 and since is not None:
            events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
        for index, event in enumerate(events):
            # State changes apply in timeline order: a command sees the levels of its time.
            if "state_key" in event.source:
                self.powers.on_state_event(room_id, event.source)
                await self._follow_tombstone(room_id, event.source)
                left = left or self._is_departure(event.source)
            if index < joined_at:
                continue  # history from before the bot's start or its arrival
            try:
                await self.events.on_event(room_id, event)
            except PostError as exc:
                log.warning("matrix: %s", exc)
            except Exception:
                log.exception("matrix: handling an event in %s failed", room_id)
        if left and room_id in self.client.rooms:
            await self.rooms.leave_if_alone(room_id)

    async def _follow_tombstone(self, room_id: str, src: Mapping[str, Any]) -> None:
        if src.get("type") == "m.room.tombstone" and src.get("state_key") == "":
            content = src.get("content")
            if isinstance(content, Mapping):
                await self.rooms.on_tombstone(room_id, content)

    def _is_departure(self, src: Mapping[str, Any]) -> bool:
        """A member other than the bot left or was banned (or kicked)."""
        membership = (src.get("content") or {}).get("membership")
        return (
            src.get("type") == "m.room.member"
            and src.get("state_key") != self.me
            and membership in ("leave", "ban")
        )

    async def _backfill(self, room_id: str, prev_batch: str, since: str) -> list[Any]:
        """The events a limited timeline left out, from the kept token on (oldest first)."""
        found: list[Any] = []
        start = prev_batch
        for _ in range(BACKFILL_PAGES):
            resp = await self.client.room_messages(room_id, start=start, end=since, limit=100)
            if not isinstance(resp, RoomMessagesResponse) or not resp.chunk:
                break
            found.extend(resp.chunk)
            if not resp.end or resp.end == start:
                break
            start = resp.end
        else:
            log.warning("matrix: %s had more missed events than the bot fetches back", room_id)
        found.reverse()
        log.info("matrix: fetched %d missed event(s) in %s", len(found), room_id)
        return found

    def _joined_at(self, events: Sequence[Any]) -> int:
        """Index after the bot's own join in this batch (its history before that is skipped)."""
        start = 0
        for i, event in enumerate(events):
            src = event.source
            if (
                src.get("type") == "m.room.member"
                and src.get("state_key") == self.me
                and (src.get("content") or {}).get("membership") == "join"
                and ((src.get("unsigned") or {}).get("prev_content") or {}).get("membership")
                != "join"
            ):
                start = i + 1
        return start
