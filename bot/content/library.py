"""The loaded content, kept in memory, replaced on reload only when the new version is valid."""

from __future__ import annotations

from pathlib import Path

from bot.content.model import Book, Library
from bot.content.packs import read_pack
from bot.content.validate import check_library
from bot.content.yamldoc import Problem, ProblemsError


def load_checked(root: Path) -> Library:
    """Load and fully validate a content folder; raise ProblemsError listing every problem
    (of every file, sorted by file and line). The one entry point for the app and validate."""
    pack = read_pack(root)
    problems = [*pack.problems, *check_library(pack)]
    if problems:
        unique = sorted(set(problems), key=lambda p: p.sort_key)
        raise ProblemsError(unique)
    return pack.library()


class ContentStore:
    def __init__(self, root: Path, library: Library, book_id: str | None = None) -> None:
        self.root = root
        self.library = library
        self.book_id = book_id
        library.book(book_id)  # a wrong book id fails here, at start, not in a command

    @classmethod
    def load(cls, root: Path, book_id: str | None = None) -> ContentStore:
        library = load_checked(root)
        try:
            library.book(book_id)
        except KeyError:
            ids = ", ".join(b.meta.id for b in library.books)
            raise ProblemsError(
                [Problem(str(root), None, "book", f"no book with id {book_id!r} (found: {ids})")]
            ) from None
        return cls(root, library, book_id)

    @property
    def book(self) -> Book:
        return self.library.book(self.book_id)

    def reload(self) -> list[Problem]:
        """Load the content again. On any problem keep the old content and return the problems."""
        try:
            library = load_checked(self.root)
            library.book(self.book_id)
        except ProblemsError as exc:
            return exc.problems
        except KeyError:
            return [Problem(str(self.root), None, "book", f"the book {self.book_id!r} is gone")]
        self.library = library
        return []
