"""The Matrix adapter: a matrix-nio client that syncs, turns room events into core calls
and sends the core's replies back. The pieces live beside it: syncing.py (the sync loop),
events.py (what each room event means), rooms.py (invites and joins), send.py (replies).

One sync stream per account: several processes may be configured for the same account,
and only the holder of the sync lease logs in and syncs; the others wait for it (serving
their other adapters meanwhile). A holder that loses the lease stops syncing at once;
the next holder resumes from the kept sync token and skips the event ids already handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from bot.adapters.matrix.events import PLATFORM, EventHandler
from bot.adapters.matrix.links import RoomLines
from bot.adapters.matrix.login import (
    Credentials,
    MatrixSetupError,
    check_config,
    log_in,
    log_in_again,
    make_client,
)
from bot.adapters.matrix.outgoing import ReplyQueue
from bot.adapters.matrix.polls import MatrixThreads
from bot.adapters.matrix.power import RoomPowers
from bot.adapters.matrix.render import Target
from bot.adapters.matrix.rooms import RoomKeeper
from bot.adapters.matrix.send import MatrixSender
from bot.adapters.matrix.state import MatrixStore, SoleLease, SyncLease
from bot.adapters.matrix.syncing import SEEN_KEPT, Syncer
from bot.config import MatrixConfig
from bot.core.clock import Clock
from bot.core.engine import Engine
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import Reply

log = logging.getLogger(__name__)

DRAIN_WITHIN = 10.0  # seconds the queued replies may take to go out when syncing stops


class MatrixAdapter:
    platform = PLATFORM

    def __init__(
        self,
        engine: Engine,
        state: MatrixStore,
        clock: Clock,
        config: MatrixConfig,
        creds: Credentials,
        base_dir: Path | None = None,
        lease: SyncLease | None = None,
    ) -> None:
        check_config(config)
        # nio logs every event at INFO; keep its warnings only, unless set otherwise.
        nio_log = logging.getLogger("nio")
        if nio_log.level == logging.NOTSET:
            nio_log.setLevel(logging.WARNING)
        self.engine = engine
        self.clock = clock
        self.config = config
        self.creds = creds
        store = Path(config.store_dir)
        self.store_dir = store if store.is_absolute() else (base_dir or Path.cwd()) / store
        self.client = make_client(config, self.store_dir)
        self.me = config.user_id
        self.state = state
        self.lease: SyncLease = lease or SoleLease()
        self.sender = MatrixSender(self.client, self.state, clock, config.quiz_polls)
        self.lines = RoomLines(state)
        self.rooms = RoomKeeper(self.client, config, self.lines)
        self.powers = RoomPowers(self.rooms.load_power_state, config.moderator_power_level)
        self.outgoing = ReplyQueue()
        self.events = EventHandler(
            engine,
            self.client,
            state,
            clock,
            self.sender,
            self.powers,
            config,
            self.outgoing,
            self.lines,
        )
        self.syncer = Syncer(
            self.client, config, state, clock, self.lease, self.events, self.rooms, self.powers
        )
        # Set once the first sync has come back: rooms are known, posts can go out.
        self._connected = asyncio.Event()
        # Set once the first sync is handled (the bot answers from then on).
        self.ready = asyncio.Event()
        # Set while another process holds the sync lease and this one waits for it.
        self.standby = asyncio.Event()
        self.holding = False  # this process holds the sync lease
        self._logged_in = False
        self._logged_in_again = False  # a new login after M_UNKNOWN_TOKEN, not yet synced
        # Why the adapter could not start (a refused login), for the exit code.
        self.failed: str | None = None
        self.engine.outbox.register(PLATFORM, self)
        self.engine.threads.register(PLATFORM, MatrixThreads(self.sender, self.lines))

    # -- lifecycle -------------------------------------------------------------------

    async def wait_ready(self) -> None:
        """Return once connected, or once waiting for the sync lease another process holds
        (the app then resumes stored state and lets events in)."""
        connected = asyncio.ensure_future(self._connected.wait())
        standby = asyncio.ensure_future(self.standby.wait())
        try:
            await asyncio.wait({connected, standby}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            connected.cancel()
            standby.cancel()

    async def run(self) -> None:
        """Hold the sync lease, log in and sync until cancelled; when the lease is lost,
        stop syncing and wait for it again. A refused login ends it with `failed` set."""
        try:
            while True:
                if not await self.lease.try_acquire():
                    log.info("matrix: another process syncs %s; this one waits", self.me)
                    self.standby.set()
                    await self.lease.acquire()
                self.standby.clear()
                self.holding = True
                try:
                    if not await self._log_in():
                        return
                    await self._sync_while_held()
                finally:
                    self.holding = False
                    self.ready.clear()
                    self._connected.clear()
                    await self.lease.release()
                if self.failed:
                    return
                log.warning("matrix: lost the sync lease of %s; stopped syncing", self.me)
        finally:
            await self.client.close()

    async def _log_in(self) -> bool:
        if self._logged_in:
            return True
        try:
            await log_in(self.client, self.config, self.creds, self.store_dir)
        except MatrixSetupError as exc:
            self.failed = str(exc)
            log.error("matrix: %s", exc)
            return False
        self._logged_in = True
        return True

    async def _log_in_again(self) -> bool:
        """M_UNKNOWN_TOKEN on a sync: one new login; a second refusal before any sync
        went through stops the adapter (`failed`), never an endless retry."""
        try:
            if self._logged_in_again:
                raise MatrixSetupError("the homeserver refused the new login's token too")
            self._logged_in_again = True
            await log_in_again(self.client, self.config, self.creds, self.store_dir)
        except MatrixSetupError as exc:
            self.failed = str(exc)
            log.error("matrix: %s", exc)
            return False
        return True

    def _synced(self) -> None:
        """A sync went through: connected, and a new login (if any) holds."""
        self._logged_in_again = False
        self._connected.set()

    async def _sync_while_held(self) -> None:
        """Sync while the lease is renewed; return at once when it is lost."""
        await self.state.forget_seen_before(self.clock.now() - SEEN_KEPT)
        keeper = asyncio.create_task(self.lease.keep(), name="matrix-lease")
        syncer = asyncio.create_task(
            self.syncer.run(self._synced, self.ready.set, self._log_in_again), name="matrix-sync"
        )
        sending = asyncio.create_task(self.outgoing.run(), name="matrix-replies")
        try:
            done, _ = await asyncio.wait(
                {keeper, syncer, sending}, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for task in (keeper, syncer, sending):
                task.cancel()
            await asyncio.gather(keeper, syncer, sending, return_exceptions=True)
            # What was answered before the stop still goes out (the lease may be lost:
            # then the next holder does not answer these events again either).
            await self.outgoing.drain(within=DRAIN_WITHIN)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("matrix: %s failed", task.get_name(), exc_info=task.exception())

    # -- Poster ----------------------------------------------------------------------

    def reaches(self, place: Place) -> bool:
        """Only the process that holds the sync lease is logged in and posts to Matrix."""
        return self.holding and self._logged_in

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        """Posts without a command (daily quotes, timed reveals) into the place's room."""
        if not self.reaches(place):
            raise PostError("matrix: another process holds the sync lease and posts")
        room_id = await self.lines.current(place.channel_id)  # an upgraded room's successor
        thread = place.thread_id if room_id == place.channel_id else None
        await self.sender.send_replies(room_id, replies, Target(thread))

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None:
        """A private note without a command (a review reminder): in the bot's direct room
        with the member, never in the reading room."""
        if not self.reaches(place):
            raise PostError("matrix: another process holds the sync lease and posts")
        await self.sender.send_replies(await self.sender.direct_room(user_id), replies)
