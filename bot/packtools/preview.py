"""`pack preview`: a chapter shown as the bot would show it (summary and key points, each
quote, each quiz item with its reveal, the discussion prompts), with no config and no
database. The replies are rendered by the adapters' own pure render functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.adapters.discord.render import button_label, render
from bot.adapters.matrix.render import render_html
from bot.adapters.render_text import render_reply
from bot.content.model import Chapter
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.quiz.model import QuizSession
from bot.packtools.chapterfile import read_chapter

PLATFORMS = ("console", "discord", "matrix")
_PREVIEW_PLACE = Place("preview", "preview", "preview")
_NOW = datetime(2000, 1, 1, tzinfo=UTC)


def chapter_replies(chapter: Chapter, prefix: str = "/") -> list[Reply]:
    """What members see of a chapter, in order."""
    points = "\n".join(f"{i}. {p}" for i, p in enumerate(chapter.key_points, 1))
    replies = [
        Reply(
            title=f"Chapter {chapter.number}: {chapter.title}",
            text=f"{chapter.summary}\n\nKey points:\n{points}",
        )
    ]
    replies += [
        Reply(
            text=f"“{q.text}”",
            footer=f"— {q.source}; quoted in this book (chapter {chapter.number})",
        )
        for q in chapter.quotes
    ]
    if chapter.quiz:
        session = QuizSession(
            id=1,
            place=_PREVIEW_PLACE,
            started_by="preview",
            started_by_name="preview",
            items=list(chapter.quiz),
            label=f"chapter {chapter.number}",
            started_at=_NOW,
            question_at=_NOW,
            chapter=chapter.number,
        )
        for position in range(len(chapter.quiz)):
            session.position = position
            replies += [session.question_reply(prefix), session.reveal_reply()]
    replies += [
        Reply(title=f"For discussion (chapter {chapter.number})", text=prompt)
        for prompt in chapter.discussion
    ]
    return replies


def _discord_message(reply: Reply) -> list[dict[str, Any]]:
    out = []
    for message in render(reply):
        data: dict[str, Any] = {}
        if message.content:
            data["content"] = message.content
        if message.embed is not None:
            data["embeds"] = [message.embed.to_dict()]
        if message.choices is not None:
            choices = message.choices
            data["buttons"] = [button_label(choices, i) for i in range(len(choices.options))]
        out.append(data)
    return out


def preview(path: Path, platform: str = "console") -> str:
    """The chapter at `path` as `platform` would show it; ProblemsError when it does not load."""
    replies = chapter_replies(read_chapter(path).chapter)
    if platform == "discord":
        messages = [m for reply in replies for m in _discord_message(reply)]
        return json.dumps(messages, indent=2, ensure_ascii=False) + "\n"
    if platform == "matrix":
        return "\n\n".join(render_html(reply) for reply in replies) + "\n"
    return "\n\n".join(render_reply(reply) for reply in replies) + "\n"
