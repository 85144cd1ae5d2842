"""Core Replies as Discord messages: plain content or embeds, split within Discord's limits.

Core text is plain, so its markdown is escaped here. Nothing here sends anything: the
adapter sends what `render` returns, always with `AllowedMentions.none()`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from bot.core.replies import LETTERS, Attachment, ChoiceSet, Reply
from bot.core.safety import neutralise_mentions

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
BUTTONS_LIMIT = 25

NO_MENTIONS = discord.AllowedMentions.none()

COLOUR = discord.Colour(0xB22222)
ERROR_COLOUR = discord.Colour(0x808080)


@dataclass
class Outgoing:
    """One Discord message to send."""

    content: str | None = None
    embed: discord.Embed | None = None
    attachments: list[Attachment] = field(default_factory=list)
    # Open choices: buttons go under this message.
    choices: ChoiceSet | None = None
    private: bool = False

    def files(self) -> list[discord.File]:
        return [discord.File(io.BytesIO(a.data), filename=a.filename) for a in self.attachments]


def escape(text: str) -> str:
    """Core text shown as written: markdown characters lose their meaning, and mass
    mentions are defused (AllowedMentions.none() already stops the ping itself)."""
    return discord.utils.escape_markdown(neutralise_mentions(text))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends, else spaces, never after `\\`."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
            while cut > 1 and rest[cut - 1] == "\\":  # keep an escape with what it escapes
                cut -= 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _choice_lines(choices: ChoiceSet) -> str:
    return "\n".join(
        f"**{LETTERS[i]}**  {escape(option)}" for i, option in enumerate(choices.options)
    )


def _body(reply: Reply) -> str:
    parts = []
    if reply.text:
        parts.append(escape(reply.text))
    if reply.choices and not reply.choices.closed:
        parts.append(_choice_lines(reply.choices))
    return "\n\n".join(parts)


def uses_embed(reply: Reply) -> bool:
    """Embeds read better for titled or structured replies; errors stay plain text."""
    if "error" in reply.tags:
        return False
    return bool(reply.title or reply.fields or reply.footer or reply.image)


def render(reply: Reply) -> list[Outgoing]:
    """The messages for one reply; attachments and buttons go on the last one."""
    messages = _render_embeds(reply) if uses_embed(reply) else _render_plain(reply)
    last = messages[-1]
    last.attachments = [a for a in (reply.image, reply.file) if a is not None]
    if reply.choices and not reply.choices.closed:
        last.choices = reply.choices
    for message in messages:
        message.private = reply.private
    return messages


def _render_plain(reply: Reply) -> list[Outgoing]:
    body = _body(reply)
    if reply.title:  # only errors with a title land here
        body = f"**{escape(reply.title)}**\n{body}"
    return [Outgoing(content=piece or None) for piece in split_text(body, CONTENT_LIMIT)]


def _render_embeds(reply: Reply) -> list[Outgoing]:
    colour = ERROR_COLOUR if "error" in reply.tags else COLOUR
    pieces = split_text(_body(reply), DESCRIPTION_LIMIT)
    embeds: list[discord.Embed] = []
    for i, piece in enumerate(pieces):
        embed = discord.Embed(description=piece or None, colour=colour)
        if i == 0 and reply.title:
            embed.title = clip(escape(reply.title), TITLE_LIMIT)
        embeds.append(embed)
    for reply_field in reply.fields:
        embed = embeds[-1]
        name = clip(escape(reply_field.name), FIELD_NAME_LIMIT) or "\u200b"
        value = clip(escape(reply_field.value), FIELD_VALUE_LIMIT) or "\u200b"
        if (
            len(embed.fields) >= FIELDS_PER_EMBED
            or len(embed) + len(name) + len(value) > EMBED_TOTAL_LIMIT
        ):
            embed = discord.Embed(colour=colour)
            embeds.append(embed)
        embed.add_field(name=name, value=value, inline=reply_field.inline)
    if reply.footer:
        footer = clip(neutralise_mentions(reply.footer), FOOTER_LIMIT)
        if len(embeds[-1]) + len(footer) > EMBED_TOTAL_LIMIT:
            # Title, description and fields leave no room: the footer gets an embed of its own.
            embeds.append(discord.Embed(colour=colour))
        embeds[-1].set_footer(text=footer)
    if reply.image is not None:
        embeds[-1].set_image(url=f"attachment://{reply.image.filename}")
    return [Outgoing(embed=embed) for embed in embeds]


def button_label(choices: ChoiceSet, index: int) -> str:
    return clip(f"{LETTERS[index]}: {choices.options[index]}", BUTTON_LABEL_LIMIT)
