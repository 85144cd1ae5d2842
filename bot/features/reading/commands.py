"""Read-only commands on the group's book: chapters, summary, quote, glossary, discuss,
about, and the moderators' reload of the whole library."""

from __future__ import annotations

import random

from bot.content.library import ContentStore
from bot.content.model import Book, Chapter
from bot.core.chapters import CurrentChapter, no_plan
from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands, UserError, as_int
from bot.core.refs import Place
from bot.core.replies import Field, Reply
from bot.features.reading.search import has_words, look_up, words


def chapter_arg(help: str = "chapter number") -> Arg:
    return Arg("chapter", help, convert=as_int, hint="chapter", type=int, metavar="chapter")


class Reading:
    """What the reading commands share: the library, the dice, the reading plan."""

    def __init__(
        self,
        store: ContentStore,
        rng: random.Random,
        current_chapter: CurrentChapter = no_plan,
    ) -> None:
        self.store = store
        self.rng = rng
        self.current_chapter = current_chapter

    async def book(self, place: Place) -> Book:
        """The book the place's group reads (its choice, else the default)."""
        return await self.store.book_for(place)

    async def chapter(self, ctx: CommandContext, number: int | None) -> Chapter:
        """The chapter asked for, else the plan's chapter, else the book's first."""
        book = await self.book(ctx.place)
        if number is None:
            number = await self.current_chapter(ctx.place)
            if number is None or book.chapter(number) is None:
                return book.chapters[0]
        chapter = book.chapter(number)
        if chapter is None:
            raise UserError(f"There is no chapter {number}. Chapters: {book.chapter_list()}.")
        return chapter


commands: Commands[Reading] = Commands()


@commands.command("chapters", "List the chapters of the group's book")
async def chapters(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    book = await reading.book(ctx.place)
    lines = [
        f"{c.number}. {c.title} ({len(c.quotes)} quotes, {len(c.quiz)} quiz items)"
        for c in book.chapters
    ]
    return Reply(title=book.meta.title, text="\n".join(lines))


@commands.command(
    "summary",
    "Summary of a chapter (add `long` for the key points)",
    chapter_arg(),
    Arg("long", "the key points in order", kind=ArgKind.FLAG, type=bool),
)
async def summary(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    chapter = await reading.chapter(ctx, args.int("chapter"))
    if args.flag("long"):
        points = "\n".join(f"{i}. {p}" for i, p in enumerate(chapter.key_points, 1))
        text = f"{chapter.summary}\n\nKey points:\n{points}"
    else:
        text = chapter.summary
    return Reply(
        title=f"Chapter {chapter.number}: {chapter.title}",
        text=text,
        footer=None
        if args.flag("long")
        else f"{ctx.prefix}summary {chapter.number} long for the key points",
    )


@commands.command(
    "quote",
    "A quote from a chapter, optionally one containing some words",
    chapter_arg(),
    Arg("words", "words the quote should contain", kind=ArgKind.TEXT, metavar="words"),
)
async def quote(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    number = args.int("chapter")
    wanted = words(args.text("words") or "")
    book = await reading.book(ctx.place)
    if number is not None and book.chapter(number) is None:
        wanted.insert(0, str(number))  # a number that is no chapter is a word to search
        number = None
    chapters = [await reading.chapter(ctx, number)] if number is not None else list(book.chapters)
    quotes = [(c, q) for c in chapters for q in c.quotes]
    if wanted:
        quotes = [(c, q) for c, q in quotes if has_words(q.text, wanted)]
    if not quotes:
        where = f"chapter {number}" if number is not None else "the book"
        shown = f" containing {' '.join(wanted)!r}" if wanted else ""
        raise UserError(f"No quote in {where}{shown}.")
    chapter, chosen = reading.rng.choice(quotes)
    return Reply(
        text=f"“{chosen.text}”",
        footer=f"— {chosen.source} (chapter {chapter.number})",
    )


@commands.command(
    "glossary",
    "Explain a term, or list the glossary",
    Arg("term", "the term to explain", kind=ArgKind.TEXT, hint="term", metavar="term"),
)
async def glossary(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    book = await reading.book(ctx.place)
    entries = [(c, t) for c in book.chapters for t in c.glossary]
    asked = args.text("term")
    if not asked:
        return Reply(
            title="Glossary",
            text=", ".join(sorted({t.term for _, t in entries}, key=str.lower)),
            footer=f"{ctx.prefix}glossary <term> for a definition",
        )
    found = look_up(entries, asked)
    if found.entry is None:
        hint = (
            " Did you mean: " + ", ".join(found.suggestions) + "?"
            if found.suggestions
            else f" Type {ctx.prefix}glossary for the list."
        )
        raise UserError(f"No glossary entry for {asked!r}.{hint}")
    chapter, term = found.entry
    aliases = f" (also: {', '.join(term.aliases)})" if term.aliases else ""
    if found.closest:
        return Reply(
            title=f"Closest match: {term.term}{aliases}",
            text=term.definition,
            footer=f"chapter {chapter.number}; no entry is named {asked!r}",
        )
    return Reply(
        title=f"{term.term}{aliases}",
        text=term.definition,
        footer=f"chapter {chapter.number}",
    )


@commands.command("discuss", "A discussion prompt for a chapter", chapter_arg())
async def discuss(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    chapter = await reading.chapter(ctx, args.int("chapter"))
    if not chapter.discussion:
        raise UserError(f"Chapter {chapter.number} has no discussion prompts.")
    return Reply(
        title=f"For discussion (chapter {chapter.number})",
        text=reading.rng.choice(chapter.discussion),
    )


@commands.command("about", "About this bot and the group's book")
async def about(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    meta = (await reading.book(ctx.place)).meta
    fields = [
        Field("Author", meta.author),
        Field("Source", meta.source),
        Field("Language", meta.language),
    ]
    if meta.notes:
        fields.append(Field("Notes", meta.notes))
    return Reply(
        title=meta.title,
        text=(
            "Kruzhok is a bot for reading circles: summaries, quotes, a glossary, "
            "discussion prompts, quizzes and daily quotes. "
            f"Type {ctx.prefix}help for the commands."
        ),
        fields=tuple(fields),
    )


@commands.command(
    "reload",
    "Load the library again (kept as it was if any book has errors)",
    moderator=True,
)
async def reload(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    problems = await reading.store.reload_off_loop()
    if problems:
        shown = "\n".join(str(p) for p in problems[:15])
        more = f"\n...and {len(problems) - 15} more" if len(problems) > 15 else ""
        return Reply(
            title="Content not reloaded",
            text=f"The content on disk has {len(problems)} problem(s); the old content stays.\n{shown}{more}",
            private=True,
            tags=frozenset({"error"}),
        )
    books = reading.store.library.books
    lines = [f"Content reloaded: {len(books)} book(s)."]
    for book in books:
        items = sum(len(c.quiz) for c in book.chapters)
        quotes = sum(len(c.quotes) for c in book.chapters)
        lines.append(
            f"{book.meta.id}: {len(book.chapters)} chapter(s), {quotes} quotes, {items} quiz items."
        )
    missing = await reading.store.missing_choice(ctx.place)
    if missing is not None:
        lines.append(
            f"This group's book {missing!r} is no longer in the library: the group reads "
            f"the default book, {reading.store.book.meta.title}, until a moderator chooses "
            f"another ({ctx.prefix}book use)."
        )
    return Reply(text="\n".join(lines))
