"""Time the bot adds between an INTERACTION_CREATE and its callback, on the loopback fake.

For 2,000 `/chapters` interactions (one at a time), measures from the moment the fake
sends INTERACTION_CREATE on the gateway to the moment the bot's callback POST reaches
the fake. Baselines measured in the same run:
- core: `Engine.run_named("chapters")` alone (what any adapter must spend);
- transport: one POST of a callback-sized JSON body to the fake by a plain aiohttp client
  (the HTTP round trip the bot cannot avoid).
Prints p50/p99 and the ratios against both baselines.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.core.refs import Caller, Place  # noqa: E402
from tests.discord_fake.harness import discord_bot  # noqa: E402
from tests.discord_fake.server import GUILD_ID, FakeDiscord  # noqa: E402

N = 2000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, values: list[float]) -> tuple[float, float]:
    p50, p99 = pct(values, 0.50) * 1000, pct(values, 0.99) * 1000
    print(
        f"{name:<34} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   mean {statistics.mean(values) * 1000:7.3f} ms"
    )
    return p50, p99


async def main() -> None:
    import logging

    logging.disable(logging.WARNING)
    fake = FakeDiscord()
    await fake.start()
    fake.point_discord_here()
    with tempfile.TemporaryDirectory() as tmp:
        async with discord_bot(Path(tmp), fake) as bot:
            # core alone
            caller = Caller("2001", "alice")
            place = Place("discord", str(GUILD_ID), "1001")
            core = []
            for _ in range(N):
                t0 = time.perf_counter()
                await bot.app.engine.run_named("chapters", caller, place, {})
                core.append(time.perf_counter() - t0)
            # transport alone
            transport = []
            body = json.dumps({"type": 4, "data": {"content": "x" * 200}}).encode()
            async with aiohttp.ClientSession() as session:
                for i in range(N):
                    url = f"{fake.base}/api/v10/interactions/{i}/bench/callback"
                    t0 = time.perf_counter()
                    async with session.post(
                        url, data=body, headers={"Content-Type": "application/json"}
                    ) as r:
                        await r.read()
                    transport.append(time.perf_counter() - t0)
            fake.requests.clear()
            # the bot: INTERACTION_CREATE -> callback
            added = []
            for _ in range(N):
                payload = fake.interaction_payload(
                    2, "alice", fake.command_data("chapters", None, {})
                )
                t0 = time.perf_counter()
                answer = await fake.interact(payload)
                callback = answer.callback()
                assert callback is not None
                added.append(callback.at - t0)
                if len(fake.requests) > 200:
                    fake.requests.clear()
            assert bot.alive()
    await fake.stop()
    print(f"Discord interaction latency, {N} interactions of /chapters on the loopback fake")
    c50, c99 = show("core run_named alone", core)
    t50, t99 = show("transport (HTTP POST to the fake)", transport)
    b50, b99 = show("bot: INTERACTION_CREATE->callback", added)
    print(f"ratio bot/core       p50 {b50 / c50:6.1f}x   p99 {b99 / c99:6.1f}x")
    print(f"ratio bot/transport  p50 {b50 / t50:6.1f}x   p99 {b99 / t99:6.1f}x")
    print(
        f"bot minus core and transport, p50: {b50 - c50 - t50:.3f} ms (discord.py parsing, rendering, our glue)"
    )


if __name__ == "__main__":
    asyncio.run(main())
