"""`python -m tests.discord_fake.launch API GATEWAY ARGS...`: the real `python -m bot ARGS`
in a process of its own, with discord.py's REST base and gateway pointed at a loopback
fake (what tests/discord_fake/fixtures.py does inside the test process)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.__main__ import main

ROOT = Path(__file__).resolve().parent.parent.parent


async def launch(
    api: str, gateway: str, *args: str, env: dict[str, str], **options: Any
) -> asyncio.subprocess.Process:
    """Start `python -m bot ARGS` in its own process against the fake at `api`/`gateway`,
    from the project's folder, with `env` added to the environment."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.discord_fake.launch",
        api,
        gateway,
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, **env},
        **options,
    )


if __name__ == "__main__":
    api, gateway, *args = sys.argv[1:]
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    sys.exit(main(args))
