"""`python -m tests.discord_fake.launch API GATEWAY ARGS...`: the real `python -m bot ARGS`
in a process of its own, with discord.py's REST base and gateway pointed at a loopback
fake (what tests/discord_fake/fixtures.py does inside the test process)."""

from __future__ import annotations

import sys

import discord
import yarl

from bot.__main__ import main

if __name__ == "__main__":
    api, gateway, *args = sys.argv[1:]
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    sys.exit(main(args))
