"""Loading content packs from disk, collecting every problem in one pass."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.core.content import Book, BookMeta, Chapter, Deck, Library
from bot.core.yamldoc import Problem, ProblemsError, problems_from_validation, read_yaml


def load_library(root: Path) -> Library:
    """Load every book folder under `root`; raise ProblemsError listing all problems."""
    problems: list[Problem] = []
    if not root.exists():
        raise ProblemsError([Problem(str(root), None, "", "content folder not found")])
    if not root.is_dir():
        raise ProblemsError(
            [Problem(str(root), None, "", "expected a content folder, found a file")]
        )
    books: list[Book] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if (root / "book.yaml").is_file():
        folders = [root]
    for folder in folders:
        try:
            books.append(load_book(folder))
        except ProblemsError as exc:
            problems.extend(exc.problems)
    if not books and not problems:
        problems.append(Problem(str(root), None, "", "no book folders (each needs a book.yaml)"))
    if problems:
        raise ProblemsError(problems)
    seen: set[str] = set()
    for book in books:
        if book.meta.id in seen:
            problems.append(Problem(str(root), None, "", f"two books have the id {book.meta.id!r}"))
        seen.add(book.meta.id)
    if problems:
        raise ProblemsError(problems)
    return Library(books=books)


def load_book(folder: Path) -> Book:
    problems: list[Problem] = []
    meta: BookMeta | None = None
    try:
        doc = read_yaml(folder / "book.yaml")
        meta = BookMeta.model_validate(doc.data)
    except ProblemsError as exc:
        problems.extend(exc.problems)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, doc))
    chapters: list[Chapter] = []
    chapter_dir = folder / "chapters"
    files = sorted(chapter_dir.glob("*.yaml")) if chapter_dir.is_dir() else []
    if not files:
        problems.append(Problem(str(chapter_dir), None, "", "no chapter files (chapters/*.yaml)"))
    for path in files:
        try:
            chapters.append(load_chapter(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
    numbers: dict[int, int] = {}
    for chapter in chapters:
        numbers[chapter.number] = numbers.get(chapter.number, 0) + 1
    for number, count in numbers.items():
        if count > 1:
            problems.append(
                Problem(str(chapter_dir), None, "", f"chapter {number} appears {count} times")
            )
    decks: list[Deck] = []
    deck_dir = folder / "decks"
    for path in sorted(deck_dir.glob("*.yaml")) if deck_dir.is_dir() else []:
        try:
            decks.append(load_deck(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
    if problems or meta is None:
        raise ProblemsError(problems)
    chapters.sort(key=lambda c: c.number)
    return Book(meta=meta, chapters=chapters, decks=decks)


def load_chapter(path: Path) -> Chapter:
    doc = read_yaml(path)
    try:
        return Chapter.model_validate(doc.data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(exc, doc)) from None


def load_deck(path: Path) -> Deck:
    doc = read_yaml(path)
    try:
        return Deck.model_validate(doc.data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(exc, doc)) from None
