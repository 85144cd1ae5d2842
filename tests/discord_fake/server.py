"""A loopback fake of Discord (REST and gateway on aiohttp) for the real discord.py client.

It records what the bot sends (command syncs, messages, interaction callbacks,
follow-ups, edits, the IDENTIFY payload) and lets a test inject gateway events
(INTERACTION_CREATE, MESSAGE_CREATE, MESSAGE_REACTION_ADD) and failures (403, 429).
Protocol details that matter (see ../shared/design.md): JSON answers carry a Content-Type
of exactly application/json; READY names a resume_gateway_url of this server; interaction
payloads include attachment_size_limit; callbacks answer with a JSON body.

Strict as Discord (rules.py, docs/platforms.md): message bodies and command payloads over
Discord's limits are refused with 400 and 50035 Invalid Form Body and its errors object;
files over the upload limit with 413 and 40005; a second callback with 40060; an unknown
interaction with 10062; an edit or delete of an unknown message with 404 and 10008. A
deferred response (type 5) creates a loading original message, and the first follow-up
after it edits that message, keeping the defer's privacy, as Discord does.

Shards, as Discord does them: an IDENTIFY may carry `shard: [id, count]` (an id outside
0..count-1 is closed with 4010, "Invalid shard"); READY echoes `shard` when it was sent and
lists, like the GUILD_CREATEs that follow, only the guilds of that shard, the guild
`(guild_id >> 22) % count`; every guild event (interactions, messages, reactions) goes to
the connection of its guild's shard. `add_guild` adds guilds; `GET /gateway/bot` answers
`shards` (the recommended count, `recommended_shards`).

Direct messages: POST /users/@me/channels {"recipient_id"} answers the user's DM channel
(type 1, one per user); a message there to a user in `closed_dms` is refused with 403 and
50007 "Cannot send messages to this user", as Discord refuses a member who closed their DMs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import yarl
from aiohttp import web

from tests.discord_fake import rules
from tests.discord_fake.interaction import Interaction
from tests.discord_fake.payloads import (  # noqa: F401  (re-exported for the tests)
    APP_ID,
    BOT_ID,
    BOT_USER,
    GENERAL,
    GUILD_ID,
    MANAGE_MESSAGES,
    MOD_ROLE,
    READING,
    SECOND_GENERAL,
    SECOND_GUILD_ID,
    SECOND_READING,
    SECOND_THREAD,
    THREAD,
    TIMESTAMP,
    USERS,
    VIEW_AND_SEND,
    guild_payload,
    member_payload,
    user_payload,
)
from tests.discord_fake.threads import Threads, poll_response


@dataclass
class Recorded:
    method: str
    path: str
    body: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    status: int = 200
    response: Any = None
    at: float = field(default_factory=time.perf_counter)  # when the fake received it


@dataclass
class Connection:
    """One gateway connection and the shard it identified for ([0, 1] without `shard`)."""

    ws: web.WebSocketResponse
    shard_id: int = 0
    shard_count: int = 1
    sent_shard: bool = False

    def serves(self, guild_id: int) -> bool:
        return (guild_id >> 22) % self.shard_count == self.shard_id


@dataclass
class Pending:
    """One injected interaction, as Discord tracks it: acknowledged once, by a callback;
    its webhook (the token) then edits the original response and sends follow-ups."""

    iid: str
    token: str
    channel_id: int
    size_limit: int
    user: dict[str, Any] = field(default_factory=dict)
    callback: int | None = None  # the callback type that acknowledged it
    original: int | None = None  # the original response's message id
    loading: bool = False  # a deferred "thinking..." not yet edited


class Refused(Exception):
    """Discord's answer to a request it refuses: an HTTP status and a JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


def invalid_form_body(errors: dict[str, Any]) -> Refused:
    return Refused(400, 50035, "Invalid Form Body", errors)


UNKNOWN_MESSAGE = (404, 10008, "Unknown Message")
UNKNOWN_WEBHOOK = (404, 10015, "Unknown Webhook")
UNKNOWN_INTERACTION = (404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = (400, 40060, "Interaction has already been acknowledged.")
TOO_LARGE = (413, 40005, "Request entity too large")
EMPTY_MESSAGE = (400, 50006, "Cannot send an empty message")
TOO_MANY_COMMANDS = (400, 30032, "Maximum number of application commands reached (100)")
UNKNOWN_USER = (404, 10013, "Unknown User")
CANNOT_MESSAGE_USER = (403, 50007, "Cannot send messages to this user")
DM_CHANNEL = 1  # a channel's type: a direct message with one user
EPHEMERAL = 1 << 6
LOADING = 1 << 7
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    times: int
    headers: dict[str, str]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": with a charset discord.py would see a string, not JSON.
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.failures: list[Failure] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.connections: list[Connection] = []  # identified ones, oldest first
        self.guilds: dict[int, dict[str, Any]] = {GUILD_ID: guild_payload()}
        self.channel_guilds: dict[int, int] = {GENERAL: GUILD_ID, READING: GUILD_ID}
        self.channel_guilds[THREAD] = GUILD_ID
        self.recommended_shards = 1  # what GET /gateway/bot answers as `shards`
        self.interaction_channels: dict[str, int] = {}
        self.pending: dict[str, Pending] = {}  # by interaction id
        # Direct messages: each member's DM channel with the bot, once opened; the members
        # who closed their DMs (a message to them is refused with 403 and 50007).
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.closed_dms: set[int] = set()
        # What a guild without boosts may upload; interactions state it as attachment_size_limit.
        self.upload_limit = DEFAULT_UPLOAD_LIMIT
        self.changed = asyncio.Condition()
        self._ids = itertools.count(5000)
        # Threads, forum posts and polls (threads.py); gateway events a request causes.
        self.threads = Threads(self)
        self.pending_events: list[tuple[str, dict[str, Any]]] = []
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.base = ""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.app = app

    # -- life -------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"

    def point_discord_here(self) -> None:
        discord.http.Route.BASE = f"{self.base}/api/v10"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- waiting ----------------------------------------------------------------------

    async def _note(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait (for network I/O, not for time) until predicate() is truthy; return it."""

        async def check() -> Any:
            async with self.changed:
                while not (value := predicate()):
                    # Woken by each request the fake records; the short timeout also
                    # catches state the bot changes without calling the fake (a sink).
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.changed.wait(), 0.02)
                return value

        return await asyncio.wait_for(check(), timeout)

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        times: int = 1,
        retry_after: float = 0.05,
    ) -> None:
        """Answer the next `times` matching requests with an error status."""
        headers: dict[str, str] = {}
        body: dict[str, Any] = {"message": "Missing Permissions", "code": 50013}
        if status == 429:
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            }
            headers = {
                "Via": "1.1 google",  # without it discord.py takes a 429 for a Cloudflare ban
                "X-RateLimit-Scope": "user",
                "Retry-After": str(retry_after),
            }
        self.failures.append(Failure(method, re.compile(pattern), status, body, times, headers))

    def find(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.fullmatch(r.path)]

    # -- gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        )
        async for msg in ws:
            data = json.loads(msg.data)
            op = data.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                self.identifies.append(data["d"])
                shard = data["d"].get("shard")
                connection = Connection(ws)
                if shard is not None:
                    shard_id, count = (int(n) for n in shard)
                    if not 0 <= shard_id < count:
                        await ws.close(code=4010, message=b"Invalid shard")
                        break
                    connection = Connection(ws, shard_id, count, sent_shard=True)
                self.connections.append(connection)
                await self._send(ws, "READY", self.ready_payload(connection))
                for guild_id in self.guilds:
                    if connection.serves(guild_id):
                        await self._send(ws, "GUILD_CREATE", self.guild_payload(guild_id))
                await self._note()
        self.connections = [c for c in self.connections if c.ws is not ws]
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to the connection of its guild's shard (an event without a
        guild: to the newest connection)."""
        if "guild_id" not in data:
            await self._send(self.sockets[-1], event, data)
            return
        await self._send(self.connection_for(int(data["guild_id"])).ws, event, data)

    def connection_for(self, guild_id: int) -> Connection:
        """The newest open connection whose shard the guild belongs to."""
        for connection in reversed(self.connections):
            if connection.serves(guild_id) and not connection.ws.closed:
                return connection
        raise LookupError(f"no gateway connection serves the shard of guild {guild_id}")

    def add_guild(self, guild_id: int, general: int, reading: int, thread: int, name: str) -> None:
        """Another guild, sent to the shard it belongs to when that shard connects."""
        self.guilds[guild_id] = guild_payload(guild_id, general, reading, thread, name)
        for channel in (general, reading, thread):
            self.channel_guilds[channel] = guild_id

    def add_second_guild(self) -> None:
        """SECOND_GUILD_ID, on shard 1 of 2 (GUILD_ID is on shard 0)."""
        self.add_guild(
            SECOND_GUILD_ID, SECOND_GENERAL, SECOND_READING, SECOND_THREAD, "Second circle"
        )

    def guild_of(self, channel_id: int) -> int:
        return self.channel_guilds.get(channel_id, GUILD_ID)

    def ready_payload(self, connection: Connection | None = None) -> dict[str, Any]:
        connection = connection or Connection(self.sockets[-1])
        payload: dict[str, Any] = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [
                {"id": str(guild_id), "unavailable": True}
                for guild_id in self.guilds
                if connection.serves(guild_id)
            ],
            "session_id": f"session-{len(self.identifies)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        if connection.sent_shard:
            payload["shard"] = [connection.shard_id, connection.shard_count]
        return payload

    def guild_payload(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        return self.guilds[guild_id]

    def member_payload(self, name: str) -> dict[str, Any]:
        return member_payload(name)

    # -- injected events --------------------------------------------------------------

    def interaction_payload(
        self,
        kind: int,
        user: str,
        data: dict[str, Any],
        channel_id: int = GENERAL,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        iid = next(self._ids)
        guild_id = self.guild_of(channel_id)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "guild_id": str(guild_id),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": "general",
            },
            "member": self.member_payload(user),
            "token": f"token-{iid}",
            "version": 1,
            "app_permissions": str(VIEW_AND_SEND),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": self.upload_limit,
        }
        if message is not None:
            payload["message"] = message
        return payload

    @staticmethod
    def options(values: dict[str, Any], focused: str | None = None) -> list[dict[str, Any]]:
        result = []
        for name, value in values.items():
            kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
            option: dict[str, Any] = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            result.append(option)
        return result

    def command_data(
        self, name: str, sub: str | None, values: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        options = self.options(values, focused)
        if sub is not None:
            options = [{"name": sub, "type": 1, "options": options}]
        return {"id": "777", "name": name, "type": 1, "options": options}

    async def slash(
        self, user: str, name: str, sub: str | None = None, channel_id: int = GENERAL, **values: Any
    ) -> Interaction:
        """A member runs a slash command; returns once the bot has answered it."""
        payload = self.interaction_payload(
            2, user, self.command_data(name, sub, values), channel_id
        )
        return await self.interact(payload)

    async def autocomplete(
        self, user: str, name: str, sub: str | None, focused: str, **values: Any
    ) -> Interaction:
        payload = self.interaction_payload(4, user, self.command_data(name, sub, values, focused))
        return await self.interact(payload)

    async def click(self, user: str, message_id: int, custom_id: str) -> Interaction:
        """A member clicks a button under a message the bot sent."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self.interaction_payload(
            3, user, data, int(message["channel_id"]), message=message
        )
        return await self.interact(payload)

    def open_interaction(self, payload: dict[str, Any]) -> Interaction:
        """Make an interaction known (so its callback and webhook answer), as Discord does
        when it sends INTERACTION_CREATE."""
        self.interaction_channels[payload["id"]] = int(payload["channel_id"])
        self.pending[payload["id"]] = Pending(
            payload["id"],
            payload["token"],
            int(payload["channel_id"]),
            int(payload["attachment_size_limit"]),
            payload["member"]["user"],
        )
        return Interaction(self, payload["id"], payload["token"])

    async def interact(self, payload: dict[str, Any]) -> Interaction:
        interaction = self.open_interaction(payload)
        await self.dispatch("INTERACTION_CREATE", payload)
        await self.wait_for(interaction.callback)
        return interaction

    async def message_create(self, user: str, channel_id: int = GENERAL) -> None:
        info = USERS[user]
        member = self.member_payload(user)
        author = member.pop("user")
        data = self.message_payload(channel_id, {"content": ""}, author=author)
        data.update({"guild_id": str(self.guild_of(channel_id)), "member": member})
        await self.dispatch("MESSAGE_CREATE", data)
        assert info

    async def reaction_add(
        self, user: str, channel_id: int = GENERAL, message_id: int = 4242
    ) -> None:
        await self.dispatch(
            "MESSAGE_REACTION_ADD",
            {
                "user_id": str(USERS[user]["id"]),
                "channel_id": str(channel_id),
                "message_id": str(message_id),
                "guild_id": str(self.guild_of(channel_id)),
                "member": self.member_payload(user),
                "emoji": {"id": None, "name": "👍"},
                "type": 0,
                "burst": False,
                "burst_colors": [],
            },
        )

    # -- REST -------------------------------------------------------------------------

    def message_payload(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[tuple[str, bytes]] | None = None,
        author: dict[str, Any] | None = None,
        flags: int = 0,
    ) -> dict[str, Any]:
        mid = next(self._ids)
        attachments = [
            {
                "id": str(next(self._ids)),
                "filename": name,
                "size": len(data),
                "url": f"{self.base}/files/{name}",
                "proxy_url": f"{self.base}/files/{name}",
            }
            for name, data in (files or [])
        ]
        return {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": author or BOT_USER,
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | int(body.get("flags") or 0),
            "components": body.get("components") or [],
        } | ({"poll": poll_response(body["poll"])} if body.get("poll") else {})

    def store(self, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[int(message["id"])] = message
        return message

    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                assert isinstance(part, aiohttp.BodyPartReader)
                data = await part.read(decode=False)
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append((part.filename or "file", bytes(data)))
            return body, files
        if request.can_read_body:
            text = await request.text()
            return (json.loads(text) if text else None), []
        return None, []

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        record = Recorded(request.method, path, body, files, dict(request.query))
        for failure in self.failures:
            if (
                failure.times > 0
                and failure.method == request.method
                and failure.pattern.fullmatch(path)
            ):
                failure.times -= 1
                record.status = failure.status
                self.requests.append(record)
                await self._note()
                return json_response(failure.body, failure.status, failure.headers)
        self.requests.append(record)
        try:
            try:
                response = self._answer(request.method, path, body or {}, files)
                record.status = response.status
            except Refused as refused:
                record.status = refused.status
                response = json_response(refused.body, refused.status)
            if isinstance(response, web.Response) and response.body:
                record.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
            events, self.pending_events = self.pending_events, []
            for event, data in events:
                with contextlib.suppress(LookupError, IndexError):  # no bot connected
                    await self.dispatch(event, data)
            return response
        finally:
            await self._note()

    def _answer(
        self, method: str, path: str, body: Any, files: list[tuple[str, bytes]]
    ) -> web.StreamResponse:
        if (threads := self.threads.answer(method, path, body)) is not None:
            return threads
        if method == "GET" and path == "/users/@me":
            return json_response(BOT_USER)
        if method == "GET" and path == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": str(APP_ID),
                    "name": "Kruzhok",
                    "icon": None,
                    "description": "",
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "owner": user_payload(USERS["mod"]["id"], "mod"),
                    "verify_key": "00",
                    "flags": 0,
                }
            )
        if method == "GET" and path == "/gateway":
            return json_response({"url": self.gateway_url})  # GatewayResponse: the url only
        if method == "GET" and path == "/gateway/bot":
            return json_response(
                {
                    "url": self.gateway_url,
                    "shards": self.recommended_shards,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if method == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            return json_response(self._overwrite_commands(body))
        if method == "POST" and path == "/users/@me/channels":
            return json_response(self._open_dm(body))
        if (match := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            self._check_message(body, files, self.upload_limit, new=True)
            self._check_dm(int(match[1]))
            return json_response(self.store(self.message_payload(int(match[1]), body, files)))
        if match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            message = self.messages.get(int(match[2]))
            # An ephemeral message is no channel's: only its interaction's webhook reaches it.
            if message is None or int(message["flags"]) & EPHEMERAL:
                raise Refused(*UNKNOWN_MESSAGE)
            return self._edit_or_delete(method, message, body, files, self.upload_limit)
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(match[1], match[2], body, files)
        if (match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)) and method == "POST":
            return self._followup(self._webhook(match[2]), body, files)
        if match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", path):
            pending = self._webhook(match[2])
            if match[3] == "@original":
                message_id = pending.original
            else:
                message_id = int(match[3]) if match[3].isdigit() else None
            message = self.messages.get(message_id) if message_id is not None else None
            if message is None or message.get("webhook_token") != pending.token:
                raise Refused(*UNKNOWN_MESSAGE)
            if method == "DELETE" and message_id == pending.original:
                pending.original, pending.loading = None, False
            elif method == "PATCH" and message_id == pending.original:
                pending.loading = False
            return self._edit_or_delete(method, message, body, files, pending.size_limit)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    # -- direct messages --------------------------------------------------------------

    def _open_dm(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /users/@me/channels {"recipient_id"}: the DM channel with that user (the same
        one each time), as Discord answers it: a channel of type 1 naming its recipient.
        Opening it succeeds even when the user's DMs are closed; sending there does not."""
        names = {int(info["id"]): name for name, info in USERS.items()}
        recipient = str(body.get("recipient_id") or "")
        if not recipient.isdigit() or int(recipient) not in names:
            raise Refused(*UNKNOWN_USER)
        user_id = int(recipient)
        channel_id = self.dm_channels.setdefault(user_id, next(self._ids))
        return {
            "id": str(channel_id),
            "type": DM_CHANNEL,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user_payload(user_id, names[user_id])],
        }

    def _check_dm(self, channel_id: int) -> None:
        for user_id, dm in self.dm_channels.items():
            if dm == channel_id and user_id in self.closed_dms:
                raise Refused(*CANNOT_MESSAGE_USER)

    def direct_messages(self, user: str) -> list[dict[str, Any]]:
        """The messages the bot sent in its DM channel with `user` (by name), oldest first."""
        channel_id = self.dm_channels.get(int(USERS[user]["id"]))
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    # -- what Discord refuses ---------------------------------------------------------

    def _check_message(
        self, body: dict[str, Any], files: list[tuple[str, bytes]], limit: int, new: bool
    ) -> None:
        errors = rules.message_errors(body)
        if errors:
            raise invalid_form_body(errors)
        if any(len(data) > limit for _, data in files):
            raise Refused(*TOO_LARGE)
        if new and not (body.get("content") or body.get("embeds") or files or body.get("poll")):
            raise Refused(*EMPTY_MESSAGE)

    def _overwrite_commands(self, body: Any) -> list[dict[str, Any]]:
        commands = body if isinstance(body, list) else []
        chat_input = [c for c in commands if c.get("type", 1) == 1]
        if len(chat_input) > rules.COMMANDS_LIMIT:
            raise Refused(*TOO_MANY_COMMANDS)
        errors = rules.commands_errors(commands)
        if errors:
            raise invalid_form_body(errors)
        return [
            {**c, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1"}
            for c in commands
        ]

    # -- messages ---------------------------------------------------------------------

    def _edit_or_delete(
        self,
        method: str,
        message: dict[str, Any],
        body: dict[str, Any],
        files: list[tuple[str, bytes]],
        limit: int,
    ) -> web.StreamResponse:
        if method == "DELETE":
            del self.messages[int(message["id"])]
            return web.Response(status=204)
        if method != "PATCH":
            return json_response({"message": "405: Method Not Allowed", "code": 0}, 405)
        self._check_message(body, files, limit, new=False)
        edited = {k: v for k, v in body.items() if k in ("content", "embeds", "components")}
        message.update(edited)
        if files or "attachments" in body:
            message["attachments"] = self.message_payload(0, {}, files)["attachments"]
        message["flags"] = int(message["flags"]) & ~LOADING
        message["edited_timestamp"] = TIMESTAMP
        return json_response(message)

    def _channel_of(self, token: str) -> int:
        return self.interaction_channels.get(token.removeprefix("token-"), GENERAL)

    def _webhook(self, token: str) -> Pending:
        """The interaction a webhook token belongs to, once it has been acknowledged."""
        for pending in self.pending.values():
            if pending.token == token and pending.callback is not None:
                return pending
        raise Refused(*UNKNOWN_WEBHOOK)

    def _interaction_message(
        self,
        pending: Pending,
        body: dict[str, Any],
        files: list[tuple[str, bytes]],
        flags: int = 0,
    ) -> dict[str, Any]:
        message = self.message_payload(pending.channel_id, body, files, flags=flags)
        message["webhook_token"] = pending.token  # the fake's own mark, not Discord's
        message["interaction_metadata"] = {
            "id": pending.iid,
            "type": 2,
            "user": pending.user,
            "authorizing_integration_owners": {},
        }
        return self.store(message)

    def _callback(
        self, iid: str, token: str, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> web.StreamResponse:
        pending = self.pending.get(iid)
        if pending is None or pending.token != token:
            raise Refused(*UNKNOWN_INTERACTION)
        if pending.callback is not None:
            raise Refused(*ALREADY_ACKNOWLEDGED)
        kind = body.get("type")
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        if kind == 4:
            self._check_message(data, files, pending.size_limit, new=True)
        pending.callback = kind
        interaction: dict[str, Any] = {
            "id": iid,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & EPHEMERAL),
        }
        result: dict[str, Any] = {"interaction": interaction}
        if kind in (4, 5):
            loading = LOADING if kind == 5 else 0
            message = self._interaction_message(
                pending, data if kind == 4 else {}, files, flags=loading | (flags & EPHEMERAL)
            )
            pending.original, pending.loading = int(message["id"]), kind == 5
            interaction["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return json_response(result)

    def _followup(
        self, pending: Pending, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> web.StreamResponse:
        """A follow-up message; the first one after a deferred response edits the
        "thinking..." message instead, which keeps the ephemerality of the defer."""
        self._check_message(body, files, pending.size_limit, new=True)
        if pending.loading and pending.original in self.messages:
            message = self.messages[pending.original]
            pending.loading = False
            edited = self.message_payload(pending.channel_id, body, files)
            for key in ("content", "embeds", "components", "attachments"):
                message[key] = edited[key]
            message["flags"] = int(message["flags"]) & EPHEMERAL
            return json_response(message)
        flags = int(body.get("flags") or 0) & EPHEMERAL
        return json_response(self._interaction_message(pending, body, files, flags=flags))
