"""Config values that only the loaded content can confirm: the book to use and the
daily quotes' default chapter. Checked by `validate --config` and before the app is built,
so that a wrong value is refused at start, naming its key, not by every later command."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from bot.content.model import Library
from bot.yamlfiles.document import Document, Problem

CONFIG_LABEL = "config"  # the file named in problems when the config's file is not known


def content_problems(
    config: Config, library: Library, file: str = CONFIG_LABEL, doc: Document | None = None
) -> list[Problem]:
    """What in `config` the content contradicts, each naming its key."""

    def at(key: str, message: str) -> Problem:
        line = doc.line_of(tuple(key.split("."))) if doc is not None else None
        return Problem(file, line, key, message)

    problems = []
    ids = [b.meta.id for b in library.books]
    book = library.books[0] if library.books else None
    if config.book is not None:
        book = next((b for b in library.books if b.meta.id == config.book), None)
        if book is None:
            found = ", ".join(ids) or "none"
            problems.append(
                at(
                    "book",
                    f"no book with id {config.book!r} in the library (found: {found}); "
                    "`book` names the default book for groups that have not chosen one",
                )
            )
    chapter = config.daily.default_chapter
    if book is not None and chapter.isdigit() and int(chapter) not in book.numbers:
        numbers = ", ".join(str(n) for n in book.numbers)
        problems.append(
            at(
                "daily.default_chapter",
                f"there is no chapter {int(chapter)} in the book {book.meta.id!r} "
                f"(chapters: {numbers}); expected current, all or one of those numbers",
            )
        )
    return problems


def in_file(problems: list[Problem], path: Path | None, doc: Document | None) -> list[Problem]:
    """Problems found without the config's file (CONFIG_LABEL), placed in that file."""
    if path is None:
        return problems
    out = []
    for problem in problems:
        if problem.file == CONFIG_LABEL:
            line = doc.line_of(tuple(problem.where.split("."))) if doc is not None else None
            problem = Problem(str(path), line, problem.where, problem.message)
        out.append(problem)
    return out
