"""Syncing the slash commands: only when their definitions changed since the last sync.

Discord limits how many commands an application may create a day, so the bot keeps a
hash of the last synced payload in the settings table and syncs at start only when the
hash differs (never in on_ready). `python -m bot discord sync` syncs by hand.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.adapters.discord.commands import SlashCommands
from bot.core.keyvalue import KeyValueStore

log = logging.getLogger(__name__)


class SyncRefused(Exception):
    """Discord refused the slash commands (or could not be reached to sync them)."""


def one_line(exc: discord.HTTPException) -> str:
    """Discord's refusal in one line: status, code, message and the fields it names."""
    text = "; ".join(line.strip() for line in (exc.text or "").splitlines() if line.strip())
    code = f" (code {exc.code})" if exc.code else ""
    return f"{exc.status}{code}: {text or exc.response.reason}"


def scope_of(guild_id: int | None) -> str:
    return f"guild:{guild_id}" if guild_id else "global"


def settings_key(guild_id: int | None) -> str:
    return f"discord.commands.{scope_of(guild_id)}"


async def sync_commands(
    http: discord.http.HTTPClient,
    application_id: int,
    slash: SlashCommands,
    settings: KeyValueStore,
    guild_id: int | None = None,
    *,
    force: bool = False,
) -> bool:
    """Upload the commands when they changed (or when forced). True when it synced."""
    digest = slash.digest(scope_of(guild_id))
    key = settings_key(guild_id)
    if not force and await settings.get(key) == digest:
        log.info("discord: slash commands unchanged (%s), not syncing", scope_of(guild_id))
        return False
    payload: list[Any] = slash.payload()
    try:
        if guild_id:
            await http.bulk_upsert_guild_commands(application_id, guild_id, payload)
        else:
            await http.bulk_upsert_global_commands(application_id, payload)
    except discord.HTTPException as exc:
        raise SyncRefused(
            f"Discord refused the slash commands ({scope_of(guild_id)}): {one_line(exc)}"
        ) from None
    await settings.set(key, digest)
    log.info("discord: synced %d slash commands (%s)", len(payload), scope_of(guild_id))
    return True
