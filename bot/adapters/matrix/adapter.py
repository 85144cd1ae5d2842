"""The Matrix adapter: a matrix-nio client that syncs, turns room events into core calls
and sends the core's replies back.

- `!name args` messages run commands; other messages, thread messages and reactions are
  recorded as activity (never their text).
- A reaction with a letter on a message that carried choices runs the choice's line; a
  redacted reaction withdraws (or falls back to the member's older standing pick).
- The sync token is kept in the database after each batch, and handled event ids too, so
  a restart neither replays nor misses events. The very first sync only learns the rooms:
  what happened before the bot first started is skipped, and so is a room's history
  before the bot joined it.
- Invites from allowed users or servers are accepted; others are declined.
- When the homeserver goes away, requests are retried with a growing wait (up to
  `max_retry_wait` seconds) until it answers again.
- One sync stream per account: several processes may be configured for the same account,
  and only the holder of the sync lease logs in and syncs; the others wait for it (serving
  their other adapters meanwhile). A holder that loses the lease stops syncing at once;
  the next holder resumes from the kept sync token and skips the event ids already handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    InviteMemberEvent,
    JoinResponse,
    MegolmEvent,
    RoomGetStateResponse,
    RoomMessagesResponse,
    SyncResponse,
)

from bot.adapters.matrix.login import (
    UNKNOWN_TOKEN,
    Credentials,
    MatrixSetupError,
    check_config,
    log_in,
    log_in_again,
    make_client,
)
from bot.adapters.matrix.power import JsonDict, RoomPowers
from bot.adapters.matrix.render import Target, choice_index, strip_reply_fallback
from bot.adapters.matrix.send import MatrixSender
from bot.adapters.matrix.state import MatrixStore, SoleLease, SyncLease
from bot.config import MatrixConfig
from bot.core.clock import Clock
from bot.core.engine import PREFIXES, Engine
from bot.core.outbox import PostError
from bot.core.refs import Caller, Place
from bot.core.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "matrix"
SEEN_KEPT = timedelta(days=7)
PRUNE_EVERY = 1000  # syncs between two clean-ups of the handled event ids
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}, "presence": {"types": []}}
# How far back a gap in a room's timeline is filled after an outage (pages of 100 events).
BACKFILL_PAGES = 10


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
        self.sender = MatrixSender(self.client, self.state, clock)
        self.powers = RoomPowers(self._load_power_state, config.moderator_power_level)
        # Set once the first sync has come back: rooms are known, posts can go out.
        self._connected = asyncio.Event()
        # Set once the first sync is handled (the bot answers from then on).
        self.ready = asyncio.Event()
        # Set while another process holds the sync lease and this one waits for it.
        self.standby = asyncio.Event()
        self.holding = False  # this process holds the sync lease
        self._logged_in = False
        self._logged_in_again = False  # a new login after M_UNKNOWN_TOKEN, not yet synced
        self._answered_invites: set[str] = set()
        # Why the adapter could not start (a refused login), for the exit code.
        self.failed: str | None = None
        self.engine.outbox.register(PLATFORM, self)

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

    async def _sync_while_held(self) -> None:
        """Sync while the lease is renewed; return at once when it is lost."""
        await self.state.forget_seen_before(self.clock.now() - SEEN_KEPT)
        keeper = asyncio.create_task(self.lease.keep(), name="matrix-lease")
        syncer = asyncio.create_task(self._sync_loop(), name="matrix-sync")
        try:
            done, _ = await asyncio.wait({keeper, syncer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (keeper, syncer):
                task.cancel()
            await asyncio.gather(keeper, syncer, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("matrix: %s failed", task.get_name(), exc_info=task.exception())

    async def _sync_loop(self) -> None:
        token = await self.state.sync_token()
        first = True
        failures = syncs = 0
        while True:
            try:
                resp = await self.client.sync(
                    timeout=0 if first else int(self.config.sync_timeout * 1000),
                    sync_filter=SYNC_FILTER,
                    since=token,
                    full_state=first or None,
                )
                if isinstance(resp, SyncResponse):
                    if not await self.lease.held():
                        return  # another process syncs now: this batch is its to handle
                    self._connected.set()
                    await self._exchange_keys()
                    await self._handle_sync(resp, since=token)
            except Exception:  # a broken response or a bug: log it, keep the bot alive
                log.exception("matrix: sync failed")
                resp = None
            if not isinstance(resp, SyncResponse):
                if getattr(resp, "status_code", None) == UNKNOWN_TOKEN:
                    if not await self._log_in_again():
                        return
                    continue
                failures += 1
                wait = min(self.config.max_retry_wait, 0.5 * 2 ** min(failures, 6))
                log.warning("matrix: sync failed (%s); again in %.1fs", resp, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self._logged_in_again = False
            token = resp.next_batch
            await self.state.save_sync_token(token)
            syncs += 1
            if syncs % PRUNE_EVERY == 0:
                await self.state.forget_seen_before(self.clock.now() - SEEN_KEPT)
            if first:
                first = False
                await self._join_configured_rooms()
                self.ready.set()

    async def _exchange_keys(self) -> None:
        await exchange_keys(self.client)

    async def _join_configured_rooms(self) -> None:
        for room in self.config.rooms:
            if room in self.client.rooms:
                continue
            resp = await self.client.join(room)
            if isinstance(resp, JoinResponse):
                log.info("matrix: joined %s", room)
            else:
                log.error("matrix: could not join %s: %s", room, getattr(resp, "message", resp))

    # -- sync handling ---------------------------------------------------------------

    async def _handle_sync(self, resp: SyncResponse, since: str | None) -> None:
        history = since is None
        for room_id, invite in resp.rooms.invite.items():
            await self._on_invite(room_id, invite.invite_state)
        for room_id in resp.rooms.leave:
            self.powers.forget(room_id)
        for room_id, info in resp.rooms.join.items():
            for event in info.state:
                self.powers.on_state_event(room_id, event.source)
            events = list(info.timeline.events)
            joined_at = len(events) if history else self._joined_at(events)
            if info.timeline.limited and joined_at == 0 and since is not None:
                events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
            for index, event in enumerate(events):
                # State changes apply in timeline order: a command sees the levels of its time.
                if "state_key" in event.source:
                    self.powers.on_state_event(room_id, event.source)
                if index < joined_at:
                    continue  # history from before the bot's start or its arrival
                try:
                    await self._on_event(room_id, event)
                except PostError as exc:
                    log.warning("matrix: %s", exc)
                except Exception:
                    log.exception("matrix: handling an event in %s failed", room_id)

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

    async def _on_invite(self, room_id: str, events: Sequence[Any]) -> None:
        if room_id in self._answered_invites:
            return
        inviter = None
        for event in events:
            # nio's stripped invite events keep the membership as an attribute.
            if (
                isinstance(event, InviteMemberEvent)
                and event.state_key == self.me
                and event.membership == "invite"
            ):
                inviter = event.sender
        if not isinstance(inviter, str):
            return
        self._answered_invites.add(room_id)
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        if (
            inviter in self.config.allowed_inviters
            or server in self.config.allowed_inviter_servers
            or room_id in self.config.rooms
        ):
            resp = await self.client.join(room_id)
            log.info("matrix: invited to %s by %s: joined (%s)", room_id, inviter, resp)
        else:
            await self.client.room_leave(room_id)
            log.info("matrix: declined an invite to %s from %s", room_id, inviter)

    async def _on_event(self, room_id: str, event: Any) -> None:
        src: Mapping[str, Any] = event.source
        sender = src.get("sender")
        event_id = src.get("event_id")
        if not isinstance(sender, str) or not isinstance(event_id, str) or sender == self.me:
            return
        if isinstance(event, MegolmEvent):
            log.warning("matrix: could not decrypt %s in %s", event_id, room_id)
            return
        kind = src.get("type")
        if kind not in ("m.room.message", "m.reaction", "m.room.redaction"):
            return
        if not await self.state.first_sight(event_id, self.clock.now()):
            return
        content = src.get("content") or {}
        if kind == "m.room.message":
            await self._on_message(room_id, sender, event_id, content)
        elif kind == "m.reaction":
            await self._on_reaction(room_id, sender, event_id, content)
        else:
            redacts = src.get("redacts") or content.get("redacts")
            if isinstance(redacts, str):
                await self._on_redaction(room_id, redacts)

    async def _caller(self, room_id: str, user_id: str, check_power: bool) -> Caller:
        room = self.client.rooms.get(room_id)
        name = (room.user_name(user_id) if room is not None else None) or user_id
        moderator = await self.powers.is_moderator(room_id, user_id) if check_power else False
        return Caller(user_id=user_id, display_name=name, platform_moderator=moderator)

    async def _on_message(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        if content.get("msgtype") not in ("m.text", "m.emote", "m.image", "m.file"):
            return
        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return  # an edit: the original was handled
        thread_id = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        body = content.get("body")
        text = strip_reply_fallback(body) if isinstance(body, str) else ""
        if content.get("msgtype") != "m.text":
            text = ""
        stripped = text.strip()
        is_command = stripped[:1] in PREFIXES
        caller = await self._caller(room_id, sender, check_power=is_command)
        place = Place(PLATFORM, room_id, room_id, thread_id)
        replies = await self.engine.on_message(caller, place, text)
        if replies:
            await self.sender.send_replies(
                room_id,
                replies,
                Target(thread_id, event_id),
                event_id,
                caller.display_name,
                caller.user_id,
            )

    async def _on_reaction(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        relates = content.get("m.relates_to") or {}
        target = relates.get("event_id")
        key = relates.get("key")
        if relates.get("rel_type") != "m.annotation" or not isinstance(target, str):
            return
        place = Place(PLATFORM, room_id, room_id)
        choices = await self.state.choices(target)
        index = choice_index(key) if isinstance(key, str) else None
        if choices is None or index is None or index >= len(choices.options):
            self.engine.on_reaction(await self._caller(room_id, sender, False), place)
            return
        caller = await self._caller(room_id, sender, check_power=True)
        self.engine.on_reaction(caller, place)
        if self.engine.may_keep(place.member(caller)):  # an opted-out member's is not kept
            await self.state.add_reaction(event_id, target, sender, index)
        replies = await self.engine.run_line(caller, place, choices.pick_line(index), prefix="!")
        await self.sender.send_replies(
            room_id, replies, addressee=caller.display_name, member=caller.user_id
        )

    async def _on_redaction(self, room_id: str, redacted: str) -> None:
        withdrawal = await self.state.remove_reaction(redacted)
        if withdrawal is None or not withdrawal.changes_pick:
            return
        choices = withdrawal.choices
        if withdrawal.now_picked is None:
            line = choices.withdraw_line()
        else:
            line = choices.pick_line(withdrawal.now_picked)
        if line is None:
            return
        caller = await self._caller(room_id, withdrawal.user_id, check_power=True)
        place = Place(PLATFORM, room_id, room_id)
        replies = await self.engine.run_line(caller, place, line, prefix="!")
        await self.sender.send_replies(
            room_id, replies, addressee=caller.display_name, member=caller.user_id
        )

    async def _load_power_state(self, room_id: str) -> tuple[JsonDict | None, JsonDict | None]:
        resp = await self.client.room_get_state(room_id)
        if not isinstance(resp, RoomGetStateResponse):
            log.warning("matrix: no room state for %s: %s", room_id, resp)
            return None, None
        create: JsonDict | None = None
        levels: JsonDict | None = None
        for event in resp.events:
            if event.get("state_key") != "":
                continue
            if event.get("type") == "m.room.create":
                create = event
            elif event.get("type") == "m.room.power_levels":
                levels = event.get("content")
        return create, levels

    # -- Poster ----------------------------------------------------------------------

    def reaches(self, place: Place) -> bool:
        """Only the process that holds the sync lease is logged in and posts to Matrix."""
        return self.holding and self._logged_in

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        """Posts without a command (daily quotes, timed reveals) into the place's room."""
        if not self.reaches(place):
            raise PostError("matrix: another process holds the sync lease and posts")
        await self.sender.send_replies(place.channel_id, replies, Target(place.thread_id))

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None:
        """A private note without a command (a review reminder): in the bot's direct room
        with the member, never in the reading room."""
        if not self.reaches(place):
            raise PostError("matrix: another process holds the sync lease and posts")
        await self.sender.send_replies(await self.sender.direct_room(user_id), replies)


async def exchange_keys(client: AsyncClient) -> None:
    """After a sync: send pending to-device messages, upload, query and claim keys (e2e)."""
    if client.olm is None:
        return
    await client.send_to_device_messages()
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
