"""Sending rendered replies: as interaction responses, follow-ups or channel posts.

After a defer the first message is edited into the "thinking..." message when its privacy
matches that of the defer; otherwise that message is deleted first (Discord would fill it
with the first follow-up, keeping its privacy). Files over the upload limit are left out
with a note that never pushes a message past 2000 characters.

Also keeps which message carries the buttons of each ChoiceSet token (in memory and in
the settings table), so a reply that closes the choices can disable those buttons, and
turns a refused post (403) into a PostError reported once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Self

import discord

from bot.adapters.discord.render import (
    BUTTONS_LIMIT,
    CONTENT_LIMIT,
    NO_MENTIONS,
    Outgoing,
    button_label,
    clip,
    render,
)
from bot.core.keyvalue import KeyValueStore
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import ChoiceSet, Reply

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100
DONE = "Done."
# kz:<command, spaces as _>:<option index>:<token>
CUSTOM_ID = re.compile(r"kz:(?P<command>[a-z0-9_-]+):(?P<index>\d{1,2}):(?P<token>[^\s]{1,80})")


def custom_id(choices: ChoiceSet, index: int) -> str:
    return f"kz:{choices.command.replace(' ', '_')}:{index}:{choices.token}"


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=CUSTOM_ID,
):
    """One option of a ChoiceSet. Its state lives in the custom id, so it keeps working
    after a restart; a click runs the ChoiceSet's pick line for the clicking member."""

    def __init__(
        self, command: str, token: str, index: int, label: str = "", disabled: bool = False
    ) -> None:
        self.command = command
        self.token = token
        self.index = index
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=discord.ButtonStyle.secondary if disabled else discord.ButtonStyle.primary,
                custom_id=f"kz:{command.replace(' ', '_')}:{index}:{token}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[discord.Client],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(
            match["command"].replace("_", " "),
            match["token"],
            int(match["index"]),
            label=getattr(item, "label", "") or "",
        )

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        adapter = getattr(interaction.client, "kruzhok", None)
        if adapter is not None:
            await adapter.on_pick(interaction, self.command, self.token, self.index)


def choice_view(choices: ChoiceSet, disabled: bool = False) -> discord.ui.View | None:
    """Buttons for a ChoiceSet; None when they cannot be made (too many, id too long)."""
    count = len(choices.options)
    if count == 0 or count > BUTTONS_LIMIT:
        return None
    if len(custom_id(choices, count - 1)) > CUSTOM_ID_LIMIT or not CUSTOM_ID.fullmatch(
        custom_id(choices, 0)
    ):
        log.warning("discord: choices %r cannot be buttons (custom id)", choices.token)
        return None
    view = discord.ui.View(timeout=None)
    for index in range(count):
        view.add_item(
            ChoiceButton(
                choices.command,
                choices.token,
                index,
                label=button_label(choices, index),
                disabled=disabled,
            )
        )
    return view


DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's limit for a server without boosts


def message_kwargs(out: Outgoing) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if out.content:
        kwargs["content"] = out.content
    if out.embed is not None:
        kwargs["embed"] = out.embed
    if out.attachments:
        kwargs["files"] = out.files()
    if out.choices is not None:
        view = choice_view(out.choices)
        if view is not None:
            kwargs["view"] = view
    return kwargs


def edit_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """message_kwargs for an edit: files go in as the message's attachments."""
    edit = dict(kwargs)
    if "files" in edit:
        edit["attachments"] = edit.pop("files")
    return edit


def without_oversized(out: Outgoing, upload_limit: int) -> list[Outgoing]:
    """The message without the files Discord would refuse (over the upload limit), and a
    note naming them: on the message when it fits within 2000 characters, else after it."""
    too_big = [a.filename for a in out.attachments if len(a.data) > upload_limit]
    if not too_big:
        return [out]
    out.attachments = [a for a in out.attachments if len(a.data) <= upload_limit]
    if out.embed is not None and out.embed.image.url:
        out.embed.set_image(url=None)
    note = clip(f"({', '.join(too_big)}: too large to upload here)", CONTENT_LIMIT)
    if not out.content:
        out.content = note
        return [out]
    if len(out.content) + 1 + len(note) <= CONTENT_LIMIT:
        out.content = f"{out.content}\n{note}"
        return [out]
    return [out, Outgoing(content=note, private=out.private)]


def render_all(
    replies: Sequence[Reply], upload_limit: int = DEFAULT_UPLOAD_LIMIT
) -> list[Outgoing]:
    """Every message to send; empty ones (Discord refuses them) are left out."""
    return [
        checked
        for reply in replies
        for out in render(reply)
        if out.content or out.embed is not None or out.attachments
        for checked in without_oversized(out, upload_limit)
    ]


def closed_choices(replies: Sequence[Reply]) -> list[ChoiceSet]:
    return [r.choices for r in replies if r.choices is not None and r.choices.closed]


class Sender:
    def __init__(self, client: discord.Client, settings: KeyValueStore) -> None:
        self.client = client
        self.settings = settings
        self.choice_messages: dict[str, tuple[int, int]] = {}
        self.forbidden: set[Place] = set()
        # Interactions deferred and not answered yet: whether the defer was private.
        self.deferred: dict[int, bool] = {}

    # -- buttons of open questions -------------------------------------------------------

    async def remember(self, choices: ChoiceSet | None, channel_id: int, message_id: int) -> None:
        if choices is None or message_id == 0:
            return
        self.choice_messages[choices.token] = (channel_id, message_id)
        await self.settings.set(f"discord.choices.{choices.token}", f"{channel_id}:{message_id}")

    async def close(self, choices: ChoiceSet) -> None:
        """Disable the buttons of the message that carried these choices."""
        where = self.choice_messages.pop(choices.token, None)
        if where is None:
            stored = await self.settings.get(f"discord.choices.{choices.token}")
            if stored and ":" in stored:
                channel, message = stored.split(":", 1)
                where = (int(channel), int(message))
        if where is None:
            return
        channel_id, message_id = where
        # Disabled buttons when the closing reply lists the options, else no buttons at all.
        view = choice_view(choices, disabled=True) if choices.options else None
        try:
            partial = self.client.get_partial_messageable(channel_id)
            await partial.get_partial_message(message_id).edit(view=view)
        except discord.HTTPException as exc:
            log.warning("discord: could not disable the buttons of %s: %s", choices.token, exc)
        else:
            await self.settings.set(f"discord.choices.{choices.token}", "closed")

    # -- interaction answers ------------------------------------------------------------

    async def defer(self, interaction: discord.Interaction[Any], private: bool) -> None:
        """Say "thinking..." (publicly or privately); `answer` then fills that message in."""
        await interaction.response.defer(thinking=True, ephemeral=private)
        self.deferred[interaction.id] = private

    async def answer(self, interaction: discord.Interaction[Any], replies: Sequence[Reply]) -> None:
        """Send replies to an interaction: the first as the response (or into the deferred
        "thinking..." message), the rest as follow-ups."""
        channel_id = interaction.channel_id or 0
        # The privacy of a deferred "thinking..." message that still waits for its content.
        thinking = self.deferred.pop(interaction.id, None)
        for out in render_all(replies, interaction.filesize_limit):
            kwargs = message_kwargs(out)
            if not interaction.response.is_done():
                callback = await interaction.response.send_message(ephemeral=out.private, **kwargs)
                message_id = callback.message_id or 0
            elif thinking is not None and thinking == out.private:
                # Discord fills the deferred message with the first follow-up anyway, keeping
                # its privacy: edit it explicitly.
                original = await interaction.edit_original_response(**edit_kwargs(kwargs))
                message_id = original.id
                thinking = None
            else:
                if thinking is not None:
                    # The deferred message cannot turn public or private: remove it, so a
                    # private answer never shows publicly, nor a public one stays hidden.
                    await interaction.delete_original_response()
                    thinking = None
                message = await interaction.followup.send(
                    ephemeral=out.private, wait=True, **kwargs
                )
                message_id = message.id
            if "view" in kwargs and not out.private:
                await self.remember(out.choices, channel_id, message_id)
        if not interaction.response.is_done():  # nothing to say: still answer, privately
            await interaction.response.send_message(DONE, ephemeral=True)
        elif thinking is not None:  # deferred, then nothing to say: settle "thinking..."
            await interaction.edit_original_response(content=DONE)
        for choices in closed_choices(replies):
            await self.close(choices)

    # -- posts (the outbox's Poster) ----------------------------------------------------

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        channel_id = int(place.thread_id or place.channel_id)
        channel = self.client.get_partial_messageable(channel_id, guild_id=int(place.group_id))
        # A private reply has no one to be shown to in a post: it is left out.
        public = [r for r in replies if not r.private]
        try:
            guild = self.client.get_guild(int(place.group_id))
            limit = guild.filesize_limit if guild is not None else DEFAULT_UPLOAD_LIMIT
            for out in render_all(public, limit):
                kwargs = message_kwargs(out)
                message = await channel.send(**kwargs)
                if "view" in kwargs:
                    await self.remember(out.choices, channel_id, message.id)
        except discord.Forbidden as exc:
            if place.channel not in self.forbidden:
                self.forbidden.add(place.channel)
                log.warning(
                    "discord: no permission to post in channel %s (%s); tell a moderator",
                    channel_id,
                    exc.text or exc.status,
                )
            raise PostError(
                f"Discord refused to post in <#{channel_id}>: the bot lacks a channel permission "
                "(View Channel, Send Messages, Embed Links, Attach Files)."
            ) from None
        except discord.NotFound:
            raise PostError(f"Discord channel {channel_id} was not found.") from None
        except discord.HTTPException as exc:
            raise PostError(f"Discord refused the post: {exc.status} {exc.text}") from None
        self.forbidden.discard(place.channel)
        for choices in closed_choices(replies):
            await self.close(choices)
