"""Loading content packs from disk, collecting every problem in one pass.

`read_pack` never raises: it reads every file it can, keeps each file's parsed document
(with its lines) next to the model made from it, and lists the problems. The checks
across files (validate.py) then run on whatever loaded, so that one run reports every
problem of every file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.model import Book, BookMeta, Chapter, Deck, Library
from bot.yamlfiles.document import (
    Document,
    Problem,
    ProblemsError,
    problems_from_validation,
    read_yaml,
)

M = TypeVar("M", bound=BaseModel)


@dataclass
class Loaded(Generic[M]):
    """One YAML file: its parsed document (None when unreadable) and its model (None when
    it does not fit the schema)."""

    path: Path
    doc: Document | None
    model: M | None

    @property
    def name(self) -> str:
        return str(self.path)


@dataclass
class BookFiles:
    folder: Path
    meta: Loaded[BookMeta]
    chapters: list[Loaded[Chapter]] = field(default_factory=list)
    decks: list[Loaded[Deck]] = field(default_factory=list)

    def book(self) -> Book | None:
        """The book, when every one of its files loaded."""
        chapters = [c.model for c in self.chapters if c.model is not None]
        decks = [d.model for d in self.decks if d.model is not None]
        if (
            self.meta.model is None
            or len(chapters) != len(self.chapters)
            or len(decks) != len(self.decks)
        ):
            return None
        chapters.sort(key=lambda c: c.number)
        return Book(meta=self.meta.model, chapters=chapters, decks=decks)


@dataclass
class PackLoad:
    """What `read_pack` found under a content folder."""

    root: Path
    books: list[BookFiles] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def library(self) -> Library:
        """The library; raise ProblemsError when anything failed to load."""
        books = [b.book() for b in self.books]
        if self.problems or any(b is None for b in books) or not books:
            raise ProblemsError(self.problems or [Problem(str(self.root), None, "", "no books")])
        return Library(books=[b for b in books if b is not None])


def load_file(path: Path, model: type[M]) -> tuple[Loaded[M], list[Problem]]:
    """Read one YAML file and fit it to `model`; never raises."""
    doc: Document | None = None
    try:
        doc = read_yaml(path)
        return Loaded(path, doc, model.model_validate(doc.data)), []
    except ProblemsError as exc:
        return Loaded(path, doc, None), exc.problems
    except ValidationError as exc:
        assert doc is not None  # only model_validate raises ValidationError
        return Loaded(path, doc, None), problems_from_validation(exc, doc, model=model)
    except (RecursionError, MemoryError):
        return Loaded(path, doc, None), [
            Problem(str(path), None, "", "too deeply nested or too large to read")
        ]


def _yaml_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The *.yaml files of a folder; a *.yml file is reported rather than silently skipped."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix == ".yaml":
            files.append(path)
        elif path.suffix in (".yml", ".YAML", ".YML"):
            problems.append(
                Problem(
                    str(path), None, "", f"only .yaml files are read: rename it to {path.stem}.yaml"
                )
            )
    return files


def read_book(folder: Path) -> tuple[BookFiles, list[Problem]]:
    """Every file of one book folder, and the problems found reading them."""
    meta, problems = load_file(folder / "book.yaml", BookMeta)
    book = BookFiles(folder, meta)
    chapter_dir = folder / "chapters"
    files = _yaml_files(chapter_dir, problems) if chapter_dir.is_dir() else []
    if not chapter_dir.is_dir():
        problems.append(
            Problem(
                str(chapter_dir),
                None,
                "",
                "chapters folder not found (expected chapters/<number>.yaml)",
            )
        )
    elif not files:
        problems.append(
            Problem(
                str(chapter_dir), None, "", "no chapter files (expected chapters/<number>.yaml)"
            )
        )
    for path in files:
        chapter, found = load_file(path, Chapter)
        book.chapters.append(chapter)
        problems.extend(found)
    deck_dir = folder / "decks"
    for path in _yaml_files(deck_dir, problems) if deck_dir.is_dir() else []:
        deck, found = load_file(path, Deck)
        book.decks.append(deck)
        problems.extend(found)
    return book, problems


def read_pack(root: Path) -> PackLoad:
    """Every book folder under `root` (or `root` itself when it holds a book.yaml)."""
    pack = PackLoad(root)
    name = str(root)
    try:
        if not root.exists():
            pack.problems.append(Problem(name, None, "", "content folder not found"))
            return pack
        if not root.is_dir():
            pack.problems.append(Problem(name, None, "", "expected a content folder, found a file"))
            return pack
        if (root / "book.yaml").exists():
            folders = [root]
        else:
            folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        for folder in folders:
            book, problems = read_book(folder)
            pack.books.append(book)
            pack.problems.extend(problems)
    except OSError as exc:
        pack.problems.append(Problem(name, None, "", f"cannot be read ({exc.strerror or exc})"))
    if not pack.books and not pack.problems:
        pack.problems.append(
            Problem(name, None, "", "no book folders (each book is a folder with a book.yaml)")
        )
    return pack


def load_library(root: Path) -> Library:
    """Load every book under `root` (schema checks only; content_store.load_checked adds
    the checks across files); raise ProblemsError listing every problem."""
    return read_pack(root).library()


def load_chapter(path: Path) -> Chapter:
    loaded, problems = load_file(path, Chapter)
    if loaded.model is None:
        raise ProblemsError(problems)
    return loaded.model


def load_deck(path: Path) -> Deck:
    loaded, problems = load_file(path, Deck)
    if loaded.model is None:
        raise ProblemsError(problems)
    return loaded.model
