"""The loaded content, kept in memory, replaced on reload only when the new version is valid."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from bot.content.model import Book, Library
from bot.content.packs import read_pack
from bot.content.validate import check_library
from bot.core.refs import Place
from bot.yamlfiles.document import Problem, ProblemsError

# Which book a group has chosen (its id), or None for the library's default.
BookChoice = Callable[[Place], Awaitable[str | None]]


async def no_choice(place: Place) -> str | None:
    return None


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
        # Set by the books feature: the book each group reads.
        self.choice: BookChoice = no_choice

    @classmethod
    def load(cls, root: Path, book_id: str | None = None) -> ContentStore:
        library = load_checked(root)
        try:
            library.book(book_id)
        except KeyError:
            ids = ", ".join(b.meta.id for b in library.books)
            raise ProblemsError(
                [
                    Problem(
                        str(root),
                        None,
                        "book",
                        f"no book with id {book_id!r} in the library (found: {ids})",
                    )
                ]
            ) from None
        return cls(root, library, book_id)

    @property
    def book(self) -> Book:
        """The default book: for groups that have not chosen one."""
        return self.library.book(self.book_id)

    async def book_for(self, place: Place) -> Book:
        """The book the place's group reads (the default when its choice is gone)."""
        chosen = await self.choice(place)
        if chosen is not None:
            try:
                return self.library.book(chosen)
            except KeyError:
                pass
        return self.book

    async def missing_choice(self, place: Place) -> str | None:
        """The id of the book the place's group chose when that book is no longer in the
        library (the group reads the default meanwhile); None otherwise."""
        chosen = await self.choice(place)
        if chosen is None or any(b.meta.id == chosen for b in self.library.books):
            return None
        return chosen

    def reload(self) -> list[Problem]:
        """Load the whole library again. On any problem in any book keep the old library
        and return the problems."""
        found = self._load_again()
        if isinstance(found, Library):
            self.library = found
            return []
        return found

    async def reload_off_loop(self) -> list[Problem]:
        """`reload` with the reading and checking in a worker process, so the event loop
        serves every other group meanwhile (in a thread, parsing would still hold the GIL
        for long stretches); the loop only unpickles the result. The new library replaces
        the old in one step (one assignment, on the loop), or not at all."""
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(1, mp_context=context)
        try:
            found = await loop.run_in_executor(pool, load_again, self.root, self.book_id)
        except (BrokenProcessPool, OSError):  # no process could be started: a thread then
            found = await asyncio.to_thread(load_again, self.root, self.book_id)
        finally:
            # Waiting for the worker to exit takes a while: not on the loop.
            await asyncio.to_thread(pool.shutdown)
        if isinstance(found, Library):
            self.library = found
            return []
        return found

    def _load_again(self) -> Library | list[Problem]:
        return load_again(self.root, self.book_id)


def load_again(root: Path, book_id: str | None) -> Library | list[Problem]:
    """The library of `root` fully checked, with the book `book_id`; or the problems."""
    try:
        library = load_checked(root)
        library.book(book_id)
    except ProblemsError as exc:
        return exc.problems
    except KeyError:
        return [Problem(str(root), None, "book", f"the book {book_id!r} is gone")]
    return library
