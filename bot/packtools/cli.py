"""The command line of the pack tools: `pack new|split|suggest|preview|schema` and
`import-quiz`, added to `python -m bot`'s parser by `add_parsers`, run by `run`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.yamlfiles.document import ProblemsError

EXIT_PROBLEMS = 2
COMMANDS = ("pack", "import-quiz")


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pack = sub.add_parser("pack", help="tools to write a content pack (new, split, suggest, ...)")
    tools = pack.add_subparsers(dest="pack_command", required=True)
    new = tools.add_parser("new", help="a new book folder with an example chapter that validates")
    new.add_argument("folder", type=Path, metavar="DIR")
    new.add_argument("--id", required=True, help="the book's id: lowercase letters, digits, -")
    new.add_argument("--title", required=True)
    new.add_argument("--author")
    new.add_argument("--language", help="e.g. en (default)")
    split = tools.add_parser(
        "split", help="cut a whole book's text into chapters (texts/ and stub chapter files)"
    )
    split.add_argument("book", type=Path, metavar="BOOK.txt")
    split.add_argument("folder", type=Path, metavar="DIR", help="the book folder")
    split.add_argument(
        "--pattern", help="a regular expression a heading line matches (group 1: its number)"
    )
    suggest = tools.add_parser(
        "suggest", help="propose quotes, draft quiz items and glossary terms from the text"
    )
    suggest.add_argument("chapter", type=Path, metavar="CHAPTER_FILE")
    preview = tools.add_parser("preview", help="show a chapter as the bot would")
    preview.add_argument("chapter", type=Path, metavar="CHAPTER_FILE")
    preview.add_argument(
        "--as", dest="platform", choices=("console", "discord", "matrix"), default="console"
    )
    schema = tools.add_parser("schema", help="write JSON Schema files for the YAML files")
    schema.add_argument("folder", type=Path, nargs="?", default=Path("schema"), metavar="DIR")

    quiz = sub.add_parser("import-quiz", help="add quiz items to a chapter from a CSV file")
    quiz.add_argument("file", type=Path, metavar="FILE.csv")
    quiz.add_argument("--book", required=True, help="id of the book")
    quiz.add_argument("--chapter", type=int, required=True, help="the chapter to add them to")
    quiz.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content/)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one tool; problems go to standard error with exit status 2."""
    try:
        print(_run(args), end="")
    except ProblemsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        if getattr(args, "pack_command", None) not in ("suggest", "preview"):
            print("nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    return 0


def _run(args: argparse.Namespace) -> str:
    if args.command == "import-quiz":
        from bot.packtools.import_quiz import import_quiz

        result = import_quiz(args.file, args.content, args.book, args.chapter)
        skipped = f", {result.skipped} skipped (already in the chapter)" if result.skipped else ""
        return f"{result.target}: {result.added} quiz item(s) added{skipped}.\n"
    tool = args.pack_command
    if tool == "new":
        from bot.packtools.scaffold import new_pack

        files = new_pack(args.folder, args.id, args.title, args.author, args.language)
        listed = "".join(f"  {path}\n" for path in files)
        return (
            f"wrote {len(files)} files:\n{listed}"
            f"next: python -m bot validate {args.folder}\n"
            f"      python -m bot pack preview {args.folder / 'chapters' / 'example.yaml'}\n"
        )
    if tool == "split":
        from bot.packtools.split import split_book

        found, front, files = split_book(args.book, args.folder, args.pattern)
        lines = [f"{len(found)} chapter(s) found in {args.book}:"]
        if front:
            lines.append(f"  (the {front} line(s) before the first heading are left out)")
        for chapter in found:
            start = " ".join(chapter.text.split()[:8])
            lines.append(
                f"  line {chapter.line:>5}  chapter {chapter.number}: {chapter.title!r} "
                f"({chapter.words} words) {start}..."
            )
        lines.append(f"wrote {len(files)} files under {args.folder}")
        return "\n".join(lines) + "\n"
    if tool == "suggest":
        from bot.packtools.suggest.output import suggest

        return suggest(args.chapter)
    if tool == "preview":
        from bot.packtools.preview import preview

        return preview(args.chapter, args.platform)
    from bot.packtools.schema import write_schemas

    files = write_schemas(args.folder)
    listed = "".join(f"  {path}\n" for path in files)
    return (
        f"wrote {len(files)} schema files:\n{listed}"
        "Editors that use yaml-language-server check a file that starts with, e.g.:\n"
        f"# yaml-language-server: $schema={args.folder / 'chapter.schema.json'}\n"
    )
