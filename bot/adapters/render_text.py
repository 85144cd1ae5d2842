"""Replies as readable plain text (the console, logs, and fallbacks elsewhere)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.replies import LETTERS, Reply


def plain_lines(
    reply: Reply,
    title: Callable[[str], str] = lambda t: f"== {t} ==",
    option: Callable[[int, str], str] = lambda i, o: f"  {LETTERS[i]}) {o}",
) -> list[str]:
    """A reply's parts as plain lines, in order; adapters choose how titles and options look."""
    lines: list[str] = []
    if reply.title:
        lines.append(title(reply.title))
    if reply.text:
        lines.append(reply.text)
    if reply.hidden:  # plain text has no spoiler markup: the hidden text is left out
        lines.append(f"[hidden: {reply.hidden.note}]")
    lines.extend(f"{field.name}: {field.value}" for field in reply.fields)
    if reply.choices:
        lines.extend(option(i, text) for i, text in enumerate(reply.choices.options))
    if reply.footer:
        lines.append(f"({reply.footer})")
    return lines


def render_reply(reply: Reply) -> str:
    text = "\n".join(plain_lines(reply))
    if reply.private:
        text = "[only you see this] " + text
    return text
