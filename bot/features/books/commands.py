"""`book list`, `book` and `book use`: the library and the book each group reads."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, Commands
from bot.core.replies import Reply
from bot.features.books.model import describe
from bot.features.books.service import BooksService

commands: Commands[BooksService] = Commands()


@commands.command("book list", "List the books in the library")
async def book_list(books: BooksService, ctx: CommandContext, args: Args) -> Reply:
    current = await books.current(ctx.place)
    default = books.store.book
    lines = []
    for book in books.store.library.books:
        marks = []
        if book is current.book:
            marks.append("this group's book")
        if book is default:
            marks.append("the default")
        said = f" [{', '.join(marks)}]" if marks else ""
        lines.append(f"{book.meta.id}: {describe(book)}{said}")
    return Reply(
        title="The library",
        text="\n".join(lines),
        footer=f"moderators choose this group's book with {ctx.prefix}book use <id>",
    )


@commands.command("book show", "The book this group reads", group_default=True)
async def book_show(books: BooksService, ctx: CommandContext, args: Args) -> Reply:
    current = await books.current(ctx.place)
    book = current.book
    if current.missing is not None:
        said = (
            f"The book {current.missing!r} chosen for this group is no longer in the library: "
            "the group reads the default book until a moderator chooses another."
        )
    elif current.chosen is None:
        said = "No book has been chosen for this group: it reads the default book."
    else:
        said = f"Chosen for this group on {current.chosen.chosen_at:%Y-%m-%d}."
    return Reply(
        title=book.meta.title,
        text=f"{describe(book)}; id {book.meta.id}.\n{said}",
        footer=(
            f"{ctx.prefix}book list shows the library; "
            f"moderators choose with {ctx.prefix}book use <id>"
        ),
    )


@commands.command(
    "book use",
    "Choose the book this group reads",
    Arg(
        "book",
        "the id of a book in the library (see book list)",
        required=True,
        metavar="id",
        hint="book",
    ),
    moderator=True,
    keeps_member_data=True,  # who chose it
    details="Summaries, quotes, the glossary and the other reading commands follow the group's book.",
)
async def book_use(books: BooksService, ctx: CommandContext, args: Args) -> Reply:
    book = await books.use(ctx.place, args["book"], ctx.place.member(ctx.caller), ctx.now)
    return Reply(
        title="Book chosen",
        text=f"This group now reads {describe(book)}; id {book.meta.id}.",
        footer=f"{ctx.prefix}chapters lists its chapters",
    )
