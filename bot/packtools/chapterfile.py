"""A chapter file as the pack tools read it: its model, its book folder, the rest of the
book (ids and glossary taken) and its source text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content.model import Chapter
from bot.content.packs import load_file, read_book
from bot.packtools.files import fail
from bot.yamlfiles.document import ProblemsError, read_text


@dataclass
class ChapterFile:
    path: Path
    chapter: Chapter
    folder: Path  # the book folder (the chapter file's folder's parent)
    quote_ids: set[str] = field(default_factory=set)
    quiz_ids: set[str] = field(default_factory=set)
    # Every glossary term and alias of the book, casefolded -> the entry's longest name.
    glossary: dict[str, str] = field(default_factory=dict)


def read_chapter(path: Path) -> ChapterFile:
    """The chapter and what its book already holds; ProblemsError when it does not load."""
    loaded, problems = load_file(path, Chapter)
    if loaded.model is None:
        raise ProblemsError(problems)
    found = ChapterFile(path, loaded.model, path.resolve().parent.parent)
    chapters = [loaded.model]
    if (found.folder / "book.yaml").is_file():
        book, _ = read_book(found.folder)
        others = [c.model for c in book.chapters if c.model is not None]
        chapters += [c for c in others if c.number != loaded.model.number]
    for chapter in chapters:
        found.quote_ids |= {q.id for q in chapter.quotes}
        found.quiz_ids |= {i.id for i in chapter.quiz}
        for term in chapter.glossary:
            names = [term.term, *term.aliases]
            longest = max(names, key=len)
            for name in names:
                found.glossary[" ".join(name.casefold().split())] = longest
    return found


def source_text(found: ChapterFile) -> str:
    """The chapter's source text; ProblemsError when it has none or it cannot be read."""
    relative = found.chapter.source_text
    if relative is None:
        raise fail(
            str(found.path),
            "the chapter has no source_text: name its text file (like texts/1.txt) first",
            "source_text",
        )
    path = found.folder / relative
    try:
        text = read_text(path, str(path))
    except ProblemsError as exc:
        said = "; ".join(p.message for p in exc.problems)
        raise fail(str(found.path), f"the source text {relative}: {said}", "source_text") from None
    if not text.strip():
        raise fail(str(found.path), f"the source text {relative} is empty", "source_text")
    return text
