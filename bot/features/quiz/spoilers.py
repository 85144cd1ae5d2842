"""The spoiler line in quizzes: a quiz never asks about a chapter past it. Pure."""

from __future__ import annotations

from dataclasses import replace

from bot.content.model import Book
from bot.core.commands import UserError
from bot.core.spoilers import Line
from bot.features.quiz.selection import Selection


def within_line(book: Book, line: Line, chapter: int | None, refuse: bool = True) -> Book:
    """The book as far as the line. A chapter asked for past the line is refused (`refuse`:
    a group quiz shows its questions to the channel) or taken as asked (practice, which
    only the member sees)."""
    if chapter is not None and not line.allows(chapter) and book.chapter(chapter) is not None:
        if not refuse:
            return book
        raise UserError(
            f"Chapter {chapter} is past {line.describe()}: a quiz in this group asks only "
            f"about chapters up to {line.limit} (practise it alone with quiz practice {chapter})."
        )
    if line.limit is None:
        return book
    return book.model_copy(update={"chapters": [c for c in book.chapters if line.allows(c.number)]})


def labelled(selection: Selection, line: Line) -> Selection:
    """A selection from all chapters says where the line cut it ("chapters up to 2")."""
    if selection.chapter is None and selection.deck is None and line.limit is not None:
        return replace(selection, label=f"chapters up to {line.limit}")
    return selection
