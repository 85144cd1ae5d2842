"""Replies as Matrix event contents: m.notice with a plain `body` and an HTML
`formatted_body`, every piece of core text escaped, nobody pinged.

No ping: each content carries an empty `m.mentions` (intentional mentions: servers then
skip the legacy rules that match display names and @room in the body), and "@room" or
"@user" in the text gets an invisible word joiner after the "@" for older clients.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.adapters.matrix.media import image_size
from bot.adapters.render_text import plain_lines
from bot.core.replies import LETTERS, Attachment, Reply
from bot.core.safety import neutralise_mentions

# Regional indicator symbols A..Z: how members pick a lettered choice with a reaction.
_REGIONAL_A = 0x1F1E6
ACK = "✅"
_AT = re.compile(r"(^|[\s(\[<\"'])@(?=\w)")
_FALLBACK_LINE = re.compile(r"^> ")


def letter_emoji(index: int) -> str:
    return chr(_REGIONAL_A + index)


def choice_index(key: str) -> int | None:
    """The option a reaction key picks: 🇦/🇧/... or a plain letter; None otherwise."""
    key = key.replace("\ufe0f", "").strip()
    if len(key) != 1:
        return None
    code = ord(key)
    if _REGIONAL_A <= code < _REGIONAL_A + 26:
        return code - _REGIONAL_A
    upper = key.upper()
    if upper in LETTERS:
        return LETTERS.index(upper)
    return None


def neutralise(text: str) -> str:
    """Make "@room" (anywhere) and "@someone" inert: an invisible character after the @."""
    return _AT.sub(lambda m: m.group(1) + "@\u2060", neutralise_mentions(text))


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted "> <@user> ..." lines a rich reply puts before its own text."""
    lines = body.split("\n")
    if not lines or not _FALLBACK_LINE.match(lines[0]):
        return body
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    return "\n".join(lines[i:]).lstrip("\n")


@dataclass(frozen=True)
class Target:
    """Where a message goes inside a room: a thread (and the event it answers), or not."""

    thread_id: str | None = None
    in_reply_to: str | None = None

    def relation(self) -> dict[str, Any] | None:
        """The `m.relates_to` of a message sent here: a rich reply to the event answered
        and, in a thread, the thread relation. In a thread that answers a command the
        reply is real (`is_falling_back` false); a post into a thread falls back to the
        thread's root for clients without threads."""
        reply = {"m.in_reply_to": {"event_id": self.in_reply_to}} if self.in_reply_to else {}
        if self.thread_id:
            return {
                "rel_type": "m.thread",
                "event_id": self.thread_id,
                "is_falling_back": not self.in_reply_to,
                "m.in_reply_to": {"event_id": self.in_reply_to or self.thread_id},
            }
        return reply or None


def _esc(text: str) -> str:
    return html.escape(neutralise(text)).replace("\n", "<br>")


def render_plain(reply: Reply, addressee: str | None = None) -> str:
    lines = [f"{addressee}:"] if addressee else []
    lines += plain_lines(
        reply,
        title=lambda t: t,
        option=lambda i, o: f"{letter_emoji(i)} {LETTERS[i]}) {o}",
    )
    return neutralise("\n".join(lines))


def render_html(reply: Reply, addressee: str | None = None) -> str:
    parts: list[str] = []
    if addressee:
        parts.append(f"{_esc(addressee)}:")
    if reply.title:
        parts.append(f"<strong>{_esc(reply.title)}</strong>")
    if reply.text:
        parts.append(_esc(reply.text))
    if reply.fields:
        parts.append(
            "<br>".join(f"<strong>{_esc(f.name)}</strong>: {_esc(f.value)}" for f in reply.fields)
        )
    if reply.choices:
        items = "".join(
            f"<li>{letter_emoji(i)} <strong>{LETTERS[i]}</strong>) {_esc(option)}</li>"
            for i, option in enumerate(reply.choices.options)
        )
        parts.append(f"<ul>{items}</ul>")
    if reply.footer:
        parts.append(f"<em>{_esc(reply.footer)}</em>")
    return "<br>".join(parts)


def _finish(content: dict[str, Any], target: Target) -> dict[str, Any]:
    content["m.mentions"] = {}
    relation = target.relation()
    if relation:
        content["m.relates_to"] = relation
    return content


NO_TARGET = Target()


def notice_content(
    reply: Reply, target: Target = NO_TARGET, addressee: str | None = None
) -> dict[str, Any] | None:
    """The m.notice for a reply's text; None when the reply has no text to show."""
    body = render_plain(reply, addressee)
    if not body.strip():
        return None
    return _finish(
        {
            "msgtype": "m.notice",
            "body": body,
            "format": "org.matrix.custom.html",
            "formatted_body": render_html(reply, addressee),
        },
        target,
    )


def media_content(
    attachment: Attachment,
    kind: str,
    target: Target,
    url: str | None = None,
    file: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An m.image or m.file for an uploaded attachment (`file` in encrypted rooms)."""
    content: dict[str, Any] = {
        "msgtype": kind,
        "body": neutralise(attachment.filename),
        "filename": attachment.filename,
        "info": media_info(attachment, kind),
    }
    if file is not None:
        content["file"] = file
    else:
        content["url"] = url
    return _finish(content, target)


def media_info(attachment: Attachment, kind: str) -> dict[str, Any]:
    """The `info` of a media event: mimetype and size, and w and h for an image."""
    info: dict[str, Any] = {"mimetype": attachment.mime, "size": len(attachment.data)}
    size = image_size(attachment.data) if kind == "m.image" else None
    if size is not None:
        info["w"], info["h"] = size
    return info


def reaction_content(event_id: str, key: str) -> dict[str, Any]:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
