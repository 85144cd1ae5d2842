"""Private notes without a command (a review reminder): a direct message to the member.

Discord's way: POST /users/@me/channels with the member's id opens (or finds) the bot's DM
channel with them, a channel of type 1 (discord.py's `Client.create_dm`, which keeps it);
the note is then posted there like any message. A member who closed their direct
messages, or blocked the bot, makes Discord refuse with code 50007 ("Cannot send messages
to this user"), when the channel is opened or when the note is posted: that is a PostError
saying so, which the caller logs once; nothing else fails.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.adapters.discord.send import message_kwargs, render_all
from bot.core.outbox import PostError
from bot.core.replies import Reply

CANNOT_MESSAGE_USER = 50007


class DirectMessages:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send(self, user_id: str, replies: Sequence[Reply]) -> None:
        """Send the replies (private ones too: a DM is private) to the member's DM channel."""
        if not user_id.isdigit():
            raise PostError(f"{user_id!r} is not a Discord user id")
        try:
            channel = await self.client.create_dm(discord.Object(id=int(user_id)))
            for out in render_all(replies):
                out.choices = None  # buttons need a server channel to run their commands
                await channel.send(**message_kwargs(out))
        except discord.HTTPException as exc:
            if exc.code == CANNOT_MESSAGE_USER:
                raise PostError(
                    f"Discord member {user_id} does not accept direct messages from the bot "
                    f"(DMs closed or the bot blocked; {exc.code}: {exc.text})"
                ) from None
            raise PostError(
                f"Discord refused a direct message to member {user_id}: {exc.status} {exc.text}"
            ) from None
