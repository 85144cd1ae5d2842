"""Payloads of the fake Discord: ids, users, the guild and its members."""

from __future__ import annotations

from typing import Any

APP_ID = 900
BOT_ID = 901
GUILD_ID = 1000
GENERAL = 1001
READING = 1002
THREAD = 1003
MOD_ROLE = 1100
# A second guild, for sharding: (GUILD_ID >> 22) % 2 == 0, (SECOND_GUILD_ID >> 22) % 2 == 1.
SECOND_GUILD_ID = (1 << 22) + 1000
SECOND_GENERAL = SECOND_GUILD_ID + 1
SECOND_READING = SECOND_GUILD_ID + 2
SECOND_THREAD = SECOND_GUILD_ID + 3
TIMESTAMP = "2026-11-20T12:00:00+00:00"

VIEW_AND_SEND = (1 << 10) | (1 << 11)
MANAGE_MESSAGES = 1 << 13

USERS: dict[str, dict[str, Any]] = {
    # name: (user id, channel permissions, role ids)
    "alice": {"id": 2001, "permissions": VIEW_AND_SEND, "roles": []},
    "bob": {"id": 2002, "permissions": VIEW_AND_SEND, "roles": []},
    "mod": {"id": 2003, "permissions": VIEW_AND_SEND | MANAGE_MESSAGES, "roles": []},
    "lead": {"id": 2004, "permissions": VIEW_AND_SEND, "roles": [MOD_ROLE]},
}


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user_payload(BOT_ID, "kruzhok", bot=True)


def guild_payload(
    guild_id: int = GUILD_ID,
    general: int = GENERAL,
    reading: int = READING,
    thread: int = THREAD,
    name: str = "Reading circle",
) -> dict[str, Any]:
    """A guild with #general, #reading and a thread in #reading (the first guild's ids by
    default); its moderator role has the id MOD_ROLE in the first guild only."""
    mod_role = MOD_ROLE if guild_id == GUILD_ID else guild_id + 100

    def channel(cid: int, name: str, position: int) -> dict[str, Any]:
        return {
            "id": str(cid),
            "type": 0,
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "guild_id": str(guild_id),
        }

    def role(rid: int, name: str, perms: int, position: int) -> dict[str, Any]:
        return {
            "id": str(rid),
            "name": name,
            "permissions": str(perms),
            "position": position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "owner_id": str(USERS["mod"]["id"]),
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role(guild_id, "@everyone", VIEW_AND_SEND, 0),
            role(mod_role, "Circle lead", VIEW_AND_SEND, 1),
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "channels": [channel(general, "general", 0), channel(reading, "reading", 1)],
        "threads": [
            {
                "id": str(thread),
                "type": 11,
                "name": "chapter-15",
                "parent_id": str(reading),
                "guild_id": str(guild_id),
                "owner_id": str(USERS["alice"]["id"]),
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": TIMESTAMP,
                    "locked": False,
                },
            }
        ],
        "members": [member_payload("kruzhok")],
        "member_count": 5,
        "large": False,
        "unavailable": False,
        "joined_at": TIMESTAMP,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }


def member_payload(name: str) -> dict[str, Any]:
    if name == "kruzhok":
        user, roles, perms = BOT_USER, [], VIEW_AND_SEND
    else:
        info = USERS[name]
        user, roles, perms = user_payload(info["id"], name), info["roles"], info["permissions"]
    return {
        "user": user,
        "roles": [str(r) for r in roles],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(perms),
    }
