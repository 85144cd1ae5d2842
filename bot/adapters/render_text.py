"""Replies as readable plain text (the console, logs, and fallbacks elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.replies import LETTERS, Reply


def render_reply(reply: Reply) -> str:
    lines: list[str] = []
    if reply.title:
        lines.append(f"== {reply.title} ==")
    if reply.text:
        lines.append(reply.text)
    for field in reply.fields:
        lines.append(f"{field.name}: {field.value}")
    if reply.choices:
        for i, option in enumerate(reply.choices.options):
            lines.append(f"  {LETTERS[i]}) {option}")
    if reply.footer:
        lines.append(f"({reply.footer})")
    text = "\n".join(lines)
    if reply.private:
        text = "[only you see this] " + text
    return text


def render_replies(replies: Sequence[Reply]) -> str:
    return "\n\n".join(render_reply(r) for r in replies)
