"""Members for the Matrix tests: nio clients that talk, react and wait (always bounded)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto import decrypt_attachment

from bot.adapters.matrix.keys import exchange_keys
from tests.matrix.synapse import Synapse, user_id

WAIT = 30.0
Event = dict[str, Any]


class Member:
    def __init__(self, client: AsyncClient, name: str) -> None:
        self.client = client
        self.name = name
        self.user_id = client.user_id
        self.seen: list[tuple[str, Event]] = []
        self.invites: list[str] = []
        self._checked = 0

    @classmethod
    async def login(
        cls, hs: Synapse, name: str, password: str, store: Path | None = None
    ) -> Member:
        config = AsyncClientConfig(
            encryption_enabled=store is not None, store_sync_tokens=False, max_timeouts=5
        )
        if store is not None:
            store.mkdir(parents=True, exist_ok=True)
        client = AsyncClient(
            hs.url, user_id(name), store_path=str(store) if store else "", config=config
        )
        resp = await client.login(password, device_name=f"test-{name}")
        assert isinstance(resp, LoginResponse), resp
        member = cls(client, name)
        await member.sync(0)
        return member

    async def close(self) -> None:
        await self.client.close()

    async def sync(self, timeout_ms: int = 1000) -> None:
        resp = await self.client.sync(timeout=timeout_ms, since=self.client.next_batch or None)
        assert isinstance(resp, SyncResponse), resp
        self.invites.extend(r for r in resp.rooms.invite if r not in self.invites)
        for room_id, info in resp.rooms.join.items():
            for event in info.timeline.events:
                if isinstance(event, MegolmEvent):
                    self.seen.append((room_id, {"type": "undecryptable", **event.source}))
                else:
                    self.seen.append((room_id, event.source))
        await exchange_keys(self.client)  # the same key steps as the bot's

    async def wait_for(
        self, match: Callable[[str, Event], bool], timeout: float = WAIT, what: str = "an event"
    ) -> Event:
        """The first new event (since the last wait) that matches; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            while self._checked < len(self.seen):
                room_id, event = self.seen[self._checked]
                self._checked += 1
                if match(room_id, event):
                    return event
            if time.monotonic() > deadline:
                shown = [
                    e.get("content", {}).get("body", e.get("type")) for _, e in self.seen[-10:]
                ]
                raise AssertionError(
                    f"{self.name} waited {timeout}s for {what}; last seen: {shown}"
                )
            await asyncio.wait_for(self.sync(1000), timeout=WAIT)

    async def joined(self, room_id: str, user_id: str, timeout: float = WAIT) -> Event:
        """Wait until `user_id` has joined `room_id` (the bot accepting its invite)."""
        return await self.membership(room_id, user_id, "join", timeout)

    async def membership(
        self, room_id: str, user_id: str, membership: str, timeout: float = WAIT
    ) -> Event:
        """Wait for `user_id`'s membership in `room_id` to become `membership`."""
        return await self.wait_for(
            lambda r, e: (
                r == room_id
                and e.get("type") == "m.room.member"
                and e.get("state_key") == user_id
                and e["content"].get("membership") == membership
            ),
            timeout,
            what=f"{user_id} to {membership}",
        )

    async def first_invite(self, timeout: float = 20.0) -> str:
        """The first room this member is invited to (waiting for it, bounded)."""
        deadline = time.monotonic() + timeout
        while not self.invites and time.monotonic() < deadline:
            await self.sync(500)
        assert self.invites, f"{self.name} got no invite within {timeout}s"
        return self.invites[0]

    def messages_from(self, room_id: str, sender: str) -> list[Event]:
        """The m.room.message events of `sender` in `room_id` seen so far."""
        return [
            e
            for r, e in self.seen
            if r == room_id and e.get("sender") == sender and e.get("type") == "m.room.message"
        ]

    async def notice(
        self, room_id: str, contains: str = "", sender: str | None = None, timeout: float = WAIT
    ) -> Event:
        def match(room: str, event: Event) -> bool:
            content = event.get("content") or {}
            return (
                room == room_id
                and event.get("type") == "m.room.message"
                and content.get("msgtype") == "m.notice"
                and (sender is None or event.get("sender") == sender)
                and contains in str(content.get("body", ""))
            )

        return await self.wait_for(match, timeout, f"a notice containing {contains!r}")

    async def reaction(self, room_id: str, target: str, key: str, timeout: float = WAIT) -> Event:
        def match(room: str, event: Event) -> bool:
            rel = (event.get("content") or {}).get("m.relates_to") or {}
            return (
                room == room_id
                and event.get("type") == "m.reaction"
                and rel.get("event_id") == target
                and rel.get("key") == key
            )

        return await self.wait_for(match, timeout, f"a {key} reaction")

    async def send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        resp = await self.client.room_send(
            room_id, event_type, content, ignore_unverified_devices=True
        )
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def say(self, room_id: str, text: str, thread: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if thread:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread}
        return await self.send(room_id, "m.room.message", content)

    async def react(self, room_id: str, target: str, key: str) -> str:
        return await self.send(
            room_id,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}},
        )

    async def redact(self, room_id: str, event_id: str) -> None:
        resp = await self.client.room_redact(room_id, event_id)
        assert hasattr(resp, "event_id"), resp

    async def create_room(
        self,
        invite: list[str],
        version: str = "10",
        encrypted: bool = False,
        power_users: dict[str, int] | None = None,
        additional_creators: list[str] | None = None,
    ) -> str:
        state: list[dict[str, Any]] = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        override = {"users": power_users} if power_users is not None else None
        if additional_creators:
            # room_create has no creation_content argument: send the request ourselves.
            body: dict[str, Any] = {
                "room_version": version,
                "invite": invite,
                "initial_state": state,
                "creation_content": {"additional_creators": additional_creators},
            }
            if override:
                body["power_level_content_override"] = override
            resp = await self.client._send(  # a raw request for creation_content
                RoomCreateResponse,
                "POST",
                f"/_matrix/client/v3/createRoom?access_token={self.client.access_token}",
                __import__("json").dumps(body),
            )
        else:
            resp = await self.client.room_create(
                room_version=version,
                invite=invite,
                initial_state=state,
                power_level_override=override,
            )
        assert isinstance(resp, RoomCreateResponse), resp
        await self.sync(0)
        return str(resp.room_id)

    async def file_bytes(self, content: dict[str, Any]) -> bytes:
        """The bytes of a media event's file: downloaded, and decrypted when it is an
        encrypted attachment (`file` with key, iv and hash)."""
        encrypted = content.get("file")
        url = encrypted["url"] if encrypted else content["url"]
        resp = await self.client.download(url)
        assert hasattr(resp, "body"), resp
        if not encrypted:
            return bytes(resp.body)
        return bytes(
            decrypt_attachment(
                resp.body,
                encrypted["key"]["k"],
                encrypted["hashes"]["sha256"],
                encrypted["iv"],
            )
        )

    async def join(self, room_id: str) -> None:
        resp = await self.client.join(room_id)
        assert hasattr(resp, "room_id"), resp
        await self.sync(0)
