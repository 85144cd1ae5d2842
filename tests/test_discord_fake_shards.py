"""The loopback fake serves shards as Discord does: READY echoes IDENTIFY's shard and
lists only that shard's guilds, guild events go to their shard's connection, an id
outside the count is closed with 4010, /gateway/bot recommends a count."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.discord_fake.server import GUILD_ID, SECOND_GUILD_ID, FakeDiscord


async def identify(
    session: aiohttp.ClientSession, fake: FakeDiscord, shard: list[int]
) -> tuple[aiohttp.ClientWebSocketResponse, list[dict[str, Any]]]:
    """Connect, IDENTIFY for `shard`, return the socket and the READY + GUILD_CREATEs."""
    ws = await session.ws_connect(fake.gateway_url)
    assert (await ws.receive_json())["op"] == 10  # HELLO
    await ws.send_str(json.dumps({"op": 2, "d": {"token": "t", "intents": 1, "shard": shard}}))
    events = [await ws.receive_json()]
    count = len(events[0]["d"]["guilds"])
    events += [await ws.receive_json() for _ in range(count)]
    return ws, events


async def test_each_shard_gets_only_its_guilds_and_their_events(
    fake_discord: FakeDiscord,
) -> None:
    fake_discord.add_second_guild()
    assert (SECOND_GUILD_ID >> 22) % 2 == 1 and (GUILD_ID >> 22) % 2 == 0
    async with aiohttp.ClientSession() as session:
        ws1, events = await identify(session, fake_discord, [1, 2])
        ready, *creates = events
        assert ready["t"] == "READY" and ready["d"]["shard"] == [1, 2]
        assert [g["id"] for g in ready["d"]["guilds"]] == [str(SECOND_GUILD_ID)]
        assert [(e["t"], e["d"]["id"]) for e in creates] == [("GUILD_CREATE", str(SECOND_GUILD_ID))]
        with pytest.raises(LookupError):  # nobody runs shard 0 yet
            await fake_discord.dispatch("MESSAGE_CREATE", {"guild_id": str(GUILD_ID)})
        ws0, events = await identify(session, fake_discord, [0, 2])
        assert [g["id"] for g in events[0]["d"]["guilds"]] == [str(GUILD_ID)]
        await fake_discord.dispatch("MESSAGE_CREATE", {"guild_id": str(GUILD_ID), "n": 0})
        await fake_discord.dispatch("MESSAGE_CREATE", {"guild_id": str(SECOND_GUILD_ID), "n": 1})
        assert (await ws0.receive_json())["d"]["n"] == 0
        assert (await ws1.receive_json())["d"]["n"] == 1
        await ws0.close()
        await ws1.close()


async def test_a_shard_id_outside_the_count_is_closed_with_4010(fake_discord: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(fake_discord.gateway_url)
        await ws.receive_json()
        await ws.send_str(json.dumps({"op": 2, "d": {"token": "t", "shard": [2, 2]}}))
        closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010


async def test_gateway_bot_recommends_the_shard_count(fake_discord: FakeDiscord) -> None:
    fake_discord.recommended_shards = 2
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{fake_discord.base}/api/v10/gateway/bot") as response:
            body = await response.json()
        async with session.get(f"{fake_discord.base}/api/v10/gateway") as response:
            plain = await response.json()
    assert body["shards"] == 2 and body["url"] == fake_discord.gateway_url
    assert set(body["session_start_limit"]) >= {"total", "remaining", "max_concurrency"}
    assert plain == {"url": fake_discord.gateway_url}
