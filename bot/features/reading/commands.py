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
from bot.core.replies import DIRECT, Field, Reply
from bot.core.spoilers import Line, LineOf, no_line, shield
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
        line_of: LineOf = no_line,
    ) -> None:
        self.store = store
        self.rng = rng
        self.current_chapter = current_chapter
        self.line_of = line_of

    async def line(self, ctx: CommandContext) -> Line:
        """The caller's spoiler line here: what lies past it is hidden or sent privately."""
        return await self.line_of(ctx.place, ctx.place.member(ctx.caller))

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


def spoil_arg() -> Arg:
    return Arg(
        "spoil", "show it privately, even past the spoiler line", kind=ArgKind.FLAG, type=bool
    )


def without_spoil(text: str | None, spoil: bool) -> str:
    """The rest of a line without the word `spoil` (taken as the flag wherever it stands)."""
    if not text or not spoil:
        return text or ""
    return " ".join(w for w in text.split() if w.lower() != "spoil")


commands: Commands[Reading] = Commands()


@commands.command(
    "chapters",
    "List the chapters of the group's book",
    details="Chapters past the spoiler line show their title only.",
)
async def chapters(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    book = await reading.book(ctx.place)
    line = await reading.line(ctx)
    lines = [
        f"{c.number}. {c.title} ({len(c.quotes)} quotes, {len(c.quiz)} quiz items)"
        if line.allows(c.number)
        else f"{c.number}. {c.title} [past the spoiler line]"
        for c in book.chapters
    ]
    past = any(not line.allows(c.number) for c in book.chapters)
    return Reply(
        title=book.meta.title,
        text="\n".join(lines),
        footer=f"marked chapters are past {line.describe()}; {ctx.prefix}summary N spoil "
        "shows one to you privately"
        if past
        else None,
    )


@commands.command(
    "summary",
    "Summary of a chapter (add `long` for the key points)",
    chapter_arg(),
    Arg("long", "the key points in order", kind=ArgKind.FLAG, type=bool),
    spoil_arg(),
)
async def summary(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    chapter = await reading.chapter(ctx, args.int("chapter"))
    line = await reading.line(ctx)
    if args.flag("long"):
        points = "\n".join(f"{i}. {p}" for i, p in enumerate(chapter.key_points, 1))
        text = f"{chapter.summary}\n\nKey points:\n{points}"
    else:
        text = chapter.summary
    reply = Reply(
        title=f"Chapter {chapter.number}: {chapter.title}",
        text=text,
        footer=None
        if args.flag("long")
        else f"{ctx.prefix}summary {chapter.number} long for the key points",
    )
    long = " long" if args.flag("long") else ""
    reveal = f"{ctx.prefix}summary {chapter.number}{long} spoil"
    return shield(
        reply, chapter.number, line, reveal, args.flag("spoil"), f"Chapter {chapter.number}"
    )


@commands.command(
    "quote",
    "A quote from a chapter, optionally one containing some words",
    chapter_arg(),
    spoil_arg(),
    Arg("words", "words the quote should contain", kind=ArgKind.TEXT, metavar="words"),
    details="Past the spoiler line a quote is hidden; add `spoil` to see it privately.",
)
async def quote(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    number = args.int("chapter")
    spoil = args.flag("spoil")
    wanted = words(without_spoil(args.text("words"), spoil))
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
    line = await reading.line(ctx)
    within = [(c, q) for c, q in quotes if line.allows(c.number)]
    chapter, chosen = reading.rng.choice(quotes if spoil else within or quotes)
    reply = Reply(
        text=f"“{chosen.text}”",
        footer=f"— {chosen.source}; quoted in this book (chapter {chapter.number})",
    )
    asked = " ".join(str(p) for p in (number, *wanted) if p is not None)
    reveal = f"{ctx.prefix}quote {asked or chapter.number} spoil"
    return shield(reply, chapter.number, line, reveal, spoil, "A quote")


@commands.command(
    "glossary",
    "Explain a term, or list the glossary",
    spoil_arg(),
    Arg("term", "the term to explain", kind=ArgKind.TEXT, hint="term", metavar="term"),
    details="A term only later chapters introduce is hidden; add `spoil` to see it privately.",
)
async def glossary(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    book = await reading.book(ctx.place)
    entries = [(c, t) for c in book.chapters for t in c.glossary]
    spoil = args.flag("spoil")
    asked = without_spoil(args.text("term"), spoil)
    line = await reading.line(ctx)
    if not asked:
        shown = {t.term for c, t in entries if spoil or line.allows(c.number)}
        later = len({t.term for _, t in entries}) - len(shown)
        note = f"; {later} more from chapters past {line.describe()}" if later else ""
        return Reply(
            title="Glossary",
            text=", ".join(sorted(shown, key=str.lower)),
            footer=f"{ctx.prefix}glossary <term> for a definition{note}",
            private=spoil,
            tags=frozenset({DIRECT}) if spoil else frozenset(),
        )
    # "Did you mean" names no term only chapters past the line introduce.
    found = look_up(entries, asked, lambda entry: line.allows(entry[0].number))
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
        reply = Reply(
            title=f"Closest match: {term.term}{aliases}",
            text=term.definition,
            footer=f"chapter {chapter.number}; no entry is named {asked!r}",
        )
    else:
        reply = Reply(
            title=f"{term.term}{aliases}",
            text=term.definition,
            footer=f"chapter {chapter.number}",
        )
    reveal = f"{ctx.prefix}glossary {asked} spoil"
    return shield(reply, chapter.number, line, reveal, spoil, "Glossary")


@commands.command("discuss", "A discussion prompt for a chapter", chapter_arg(), spoil_arg())
async def discuss(reading: Reading, ctx: CommandContext, args: Args) -> Reply:
    chapter = await reading.chapter(ctx, args.int("chapter"))
    if not chapter.discussion:
        raise UserError(f"Chapter {chapter.number} has no discussion prompts.")
    reply = Reply(
        title=f"For discussion (chapter {chapter.number})",
        text=reading.rng.choice(chapter.discussion),
    )
    reveal = f"{ctx.prefix}discuss {chapter.number} spoil"
    line = await reading.line(ctx)
    return shield(reply, chapter.number, line, reveal, args.flag("spoil"), "For discussion")


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
    operator=True,  # it changes the content of every group
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
