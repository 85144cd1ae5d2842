"""Matrix command round trip on a real Synapse (loopback, SQLite).

Measures, 200 times each, the time from a member sending a message to the member seeing
the answer:
  - floor: a bare nio client that echoes every message back as a notice;
  - bot:   Kruzhok's Matrix adapter answering `!quote`.
Both go through the same Synapse and the same member client, interleaved round by round, so
the ratio shows what the bot adds (its sync handling, the command, the database). Target: p50 within 1.5x the echo.

    make synapse && .venv/bin/python bench/bench_matrix_roundtrip.py [rounds]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nio import AsyncClient, LoginResponse, RoomCreateResponse, SyncResponse  # noqa: E402

from bot.adapters.matrix.adapter import MatrixAdapter  # noqa: E402
from bot.adapters.matrix.login import Credentials  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.config import Config  # noqa: E402
from tests.matrix.synapse import Synapse, user_id  # noqa: E402

PASSWORD = "bench password"
WARMUP = 20


async def login(hs: Synapse, name: str) -> AsyncClient:
    hs.register(name, PASSWORD)
    client = AsyncClient(hs.url, user_id(name))
    resp = await client.login(PASSWORD)
    assert isinstance(resp, LoginResponse), resp
    await client.sync(timeout=0)
    return client


async def echo_loop(client: AsyncClient, member: str) -> None:
    """The floor: answer each of the member's texts with the same text as a notice."""
    while True:
        resp = await client.sync(timeout=30000, since=client.next_batch)
        if not isinstance(resp, SyncResponse):
            continue
        for room_id, info in resp.rooms.invite.items():
            del info
            await client.join(room_id)
        for room_id, info in resp.rooms.join.items():
            for event in info.timeline.events:
                src: dict[str, Any] = event.source
                content = src.get("content") or {}
                if src.get("sender") == member and content.get("msgtype") == "m.text":
                    await client.room_send(
                        room_id,
                        "m.room.message",
                        {"msgtype": "m.notice", "body": content["body"]},
                    )


async def wait_answer(member: AsyncClient, room_id: str, sender: str) -> None:
    while True:
        resp = await member.sync(timeout=30000, since=member.next_batch)
        assert isinstance(resp, SyncResponse), resp
        info = resp.rooms.join.get(room_id)
        if info is None:
            continue
        for event in info.timeline.events:
            src = event.source
            if (
                src.get("sender") == sender
                and (src.get("content") or {}).get("msgtype") == "m.notice"
            ):
                return


async def once(member: AsyncClient, room_id: str, sender: str, text: str) -> float:
    start = time.perf_counter()
    await member.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})
    await asyncio.wait_for(wait_answer(member, room_id, sender), timeout=30)
    return (time.perf_counter() - start) * 1000


async def joined(member: AsyncClient, room_id: str, who: str) -> None:
    for _ in range(100):
        state = await member.joined_members(room_id)
        if who in [m.user_id for m in getattr(state, "members", [])]:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{who} did not join")


def describe(name: str, times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<22} n={len(times)}  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  mean {statistics.fmean(times):7.2f} ms"
    )
    return p50, p99


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        hs = Synapse(base / "synapse")
        hs.start()
        try:
            member = await login(hs, "member")
            echo = await login(hs, "echo")
            hs.register("kruzhok", PASSWORD)
            config = Config.model_validate(
                {
                    "database": str(base / "bot.sqlite3"),
                    "content": str(ROOT / "content"),
                    "adapters": ["matrix"],
                    "log_level": "WARNING",
                    "matrix": {
                        "homeserver": hs.url,
                        "user_id": user_id("kruzhok"),
                        "store_dir": str(base / "store"),
                        "allowed_inviters": [member.user_id],
                    },
                }
            )
            app = await build_app(config)
            adapter = MatrixAdapter(
                app.engine,
                app.matrix_state(config.matrix.user_id),
                app.clock,
                config.matrix,
                Credentials(password=PASSWORD),
            )
            tasks = [
                asyncio.create_task(echo_loop(echo, member.user_id)),
                asyncio.create_task(adapter.run()),
            ]
            await asyncio.wait_for(adapter.wait_ready(), timeout=60)
            await app.start()
            await asyncio.wait_for(adapter.ready.wait(), timeout=60)
            echo_room = await member.room_create(invite=[echo.user_id])
            bot_room = await member.room_create(invite=[adapter.me])
            assert isinstance(echo_room, RoomCreateResponse), echo_room
            assert isinstance(bot_room, RoomCreateResponse), bot_room
            await joined(member, echo_room.room_id, echo.user_id)
            await joined(member, bot_room.room_id, adapter.me)
            await member.sync(timeout=0, since=member.next_batch)
            # Interleaved, so both see the same server conditions.
            floor: list[float] = []
            bot: list[float] = []
            for i in range(rounds + WARMUP):
                f = await once(member, echo_room.room_id, echo.user_id, "ping")
                b = await once(member, bot_room.room_id, adapter.me, "!quote")
                if i >= WARMUP:
                    floor.append(f)
                    bot.append(b)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.stop()
            await echo.close()
            await member.close()
        finally:
            hs.stop()

    print(
        f"Matrix round trip on Synapse (loopback, SQLite), {rounds} rounds after {WARMUP} warm-up"
    )
    f50, f99 = describe("echo client (floor)", floor)
    b50, b99 = describe("kruzhok !quote", bot)
    print(f"ratio p50 {b50 / f50:.2f}x  p99 {b99 / f99:.2f}x  (target: p50 within 1.5x)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
