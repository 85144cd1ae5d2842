"""`python -m bot run|validate ...`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.app import StartupError
from bot.config import Config, read_config
from bot.config_check import CONFIG_LABEL, content_problems, in_file
from bot.packtools import cli as pack_tools
from bot.storage.db import StorageUnavailable
from bot.storage.migrate import MigrationError
from bot.yamlfiles.document import ProblemsError

EXIT_PROBLEMS = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Kruzhok, a bot for reading circles"
    )
    parser.add_argument("--version", action="version", version=f"kruzhok {bot_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the bot (the console adapter by default)")
    run.add_argument("--config", type=Path, help="YAML config file (defaults when not given)")
    run.add_argument("--user", help="console: who is typing")
    run.add_argument("--moderator", action="store_true", help="console: the typing user moderates")
    # For tests that drive a real process: printed on its own line after each input line.
    run.add_argument("--line-marker", help=argparse.SUPPRESS)

    validate = sub.add_parser(
        "validate", help="check a content folder and, when given, a config file"
    )
    validate.add_argument(
        "path", nargs="?", type=Path, help="content folder (default: the config's, or content/)"
    )
    validate.add_argument("--config", type=Path, help="YAML config file to check too")
    validate.add_argument(
        "--strict", action="store_true", help="treat warnings as problems (exit 2)"
    )

    discord_cmd = sub.add_parser("discord", help="Discord tools")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True)
    sync = discord_sub.add_parser(
        "sync", help="upload the slash commands now (globally, or to one guild: instant)"
    )
    sync.add_argument("--config", type=Path, help="YAML config file (defaults when not given)")
    sync.add_argument("--guild", type=int, help="guild id (default: the config's dev_guild)")

    trivia = sub.add_parser(
        "import-trivia",
        help="import Red-DiscordBot trivia lists (YAML) into a chapter or a named quiz deck",
    )
    trivia.add_argument("files", nargs="+", type=Path, metavar="FILE", help="trivia list(s)")
    trivia.add_argument("--book", required=True, help="id of the book to add the questions to")
    target = trivia.add_mutually_exclusive_group(required=True)
    target.add_argument("--chapter", type=int, help="append the questions to this chapter")
    target.add_argument("--deck", help="write the questions to decks/<DECK>.yaml")
    trivia.add_argument("--title", help="the deck's title when it is new")
    trivia.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content/)"
    )

    pack_tools.add_parsers(sub)

    db_cmd = sub.add_parser("db", help="database tools")
    db_sub = db_cmd.add_subparsers(dest="db_command", required=True)
    copy = db_sub.add_parser(
        "copy",
        help="copy every table into a new, empty database (e.g. SQLite to PostgreSQL)",
    )
    copy.add_argument("source", metavar="SRC", help="file path or postgresql:// URL")
    copy.add_argument("destination", metavar="DST", help="file path or postgresql:// URL")

    args = parser.parse_args(argv)
    try:
        if args.command == "db":
            return cmd_db_copy(args.source, args.destination)
        if args.command == "validate":
            return cmd_validate(args.path, args.config, args.strict)
        if args.command == "import-trivia":
            return cmd_import_trivia(args)
        if args.command in pack_tools.COMMANDS:
            return pack_tools.run(args)
        config, doc = read_config(args.config)
        interactive = args.command == "run" and sys.stdin.isatty() and sys.stdout.isatty()
        log_file = setup_logging(config, interactive)
        if log_file is not None:
            print(f"logs: {log_file}", file=sys.stderr)
        if args.command == "discord":
            return asyncio.run(cmd_discord_sync(config, args.guild))
        try:
            return asyncio.run(cmd_run(config, args.user, args.moderator, args.line_marker))
        except ProblemsError as exc:  # the config against the content: say where in the file
            raise ProblemsError(in_file(exc.problems, args.config, doc)) from None
    except ProblemsError as exc:
        print(f"error:\n{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except (MigrationError, StorageUnavailable) as exc:
        print(f"error: database: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


def bot_version() -> str:
    """The installed package's version (pyproject.toml), or "unknown" when not installed."""
    try:
        return version("kruzhok")
    except PackageNotFoundError:
        return "unknown"


def log_file_for(config: Config, interactive: bool) -> Path | None:
    """Where the logs go instead of standard error: `console.log_file` while the console is
    the terminal chat (an interactive terminal), so they do not land among its lines;
    None (standard error) otherwise, or when `console.log_file` is empty."""
    if interactive and "console" in config.adapters and config.console.log_file:
        return Path(config.console.log_file)
    return None


def setup_logging(config: Config, interactive: bool) -> Path | None:
    """Send the logs to standard error or to the console's log file; returns the file."""
    path = log_file_for(config, interactive)
    handler: logging.Handler
    if path is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    logging.basicConfig(
        level=config.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    return path


def cmd_validate(path: Path | None, config_path: Path | None, strict: bool = False) -> int:
    from bot.content.library import load_checked
    from bot.content.packs import read_pack
    from bot.content.validate import pack_warnings
    from bot.features.quiz.answers import normalise

    problems = []
    config, doc, config_ok = Config(), None, True
    if config_path is not None:
        try:
            config, doc = read_config(config_path)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            config_ok = False
    root = path or Path(config.content)
    try:
        library = load_checked(root)
    except ProblemsError as exc:
        problems.extend(exc.problems)
    else:
        if config_ok:
            file = str(config_path) if config_path is not None else CONFIG_LABEL
            problems.extend(content_problems(config, library, file, doc))
        warnings = pack_warnings(read_pack(root), normalise)
        if strict:  # --strict: each warning is a problem
            problems.extend(warnings)
        elif warnings:
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            print(f"{len(warnings)} warning(s); --strict counts them as problems.", file=sys.stderr)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    for book in library.books:
        quotes = sum(len(c.quotes) for c in book.chapters)
        items = sum(len(c.quiz) for c in book.chapters)
        print(
            f"{book.meta.id}: {len(book.chapters)} chapter(s), {quotes} quotes, {items} quiz items: OK"
        )
    if config_path is not None:
        print(f"{config_path}: OK")
    return 0


def discord_token(config: Config) -> str | None:
    """The bot token from the environment variable the config names; None (and a message)
    when it is not set. The token itself is never printed or logged."""
    token = os.environ.get(config.discord.token_env, "").strip()
    if not token:
        print(
            f"error: the Discord adapter needs a bot token in the environment variable "
            f"{config.discord.token_env} (see README, Discord).",
            file=sys.stderr,
        )
        return None
    return token


async def cmd_discord_sync(config: Config, guild: int | None) -> int:
    """Sync the slash commands by hand (REST only). A bad token, an unreachable API, a
    table Discord would refuse or a refused sync: one line on stderr, exit 2."""
    import aiohttp
    import discord

    from bot.adapters.discord.commands import SlashCommandError, SlashCommands
    from bot.adapters.discord.sync import SyncRefused, one_line, sync_commands
    from bot.app import build_app

    token = discord_token(config)
    if token is None:
        return EXIT_PROBLEMS
    guild = guild or config.discord.dev_guild
    app = await build_app(config)
    client = discord.Client(intents=discord.Intents.none())
    problem = None
    try:
        slash = SlashCommands(app.engine.table)
        await client.login(token)
        assert client.application_id is not None
        await sync_commands(
            client.http, client.application_id, slash, app.state(), guild, force=True
        )
    except SlashCommandError as exc:
        problem = f"the slash commands cannot be synced: {exc}"
    except discord.LoginFailure:
        problem = f"Discord refused the bot token (from {config.discord.token_env})."
    except SyncRefused as exc:
        problem = str(exc)
    except discord.HTTPException as exc:
        problem = f"Discord refused a request: {one_line(exc)}"
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        problem = f"could not reach Discord's API: {exc or type(exc).__name__}"
    finally:
        await client.close()
        await app.stop()
    if problem is not None:
        print(f"error: discord: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    where = f"guild {guild}" if guild else "all guilds (global commands may take a while to appear)"
    print(f"synced the slash commands to {where}")
    return 0


def cmd_import_trivia(args: argparse.Namespace) -> int:
    from bot.content.trivia_import import import_trivia

    try:
        result = import_trivia(
            args.files, args.content, args.book, args.chapter, args.deck, args.title
        )
    except ProblemsError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    parts = [f"{result.added} question(s) added"]
    if result.updated:
        parts.append(f"{result.updated} updated")
    if result.skipped:
        parts.append(f"{result.skipped} skipped (already in the chapter)")
    print(f"{result.target}: {', '.join(parts)}.")
    return 0


def cmd_db_copy(source: str, destination: str) -> int:
    """Copy every table; print each table's rows on both sides. 0 only when all match."""
    from bot.storage.db import is_url

    if not is_url(source) and not Path(source).is_file():
        print(f"error: source: there is no database file {source!r}", file=sys.stderr)
        return EXIT_PROBLEMS
    if source == destination or (
        not is_url(source)
        and not is_url(destination)
        and Path(source).resolve() == Path(destination).resolve()
    ):
        print("error: the source and the destination are the same database", file=sys.stderr)
        return EXIT_PROBLEMS
    return asyncio.run(copy_and_count(source, destination))


async def copy_and_count(source: str, destination: str) -> int:
    from bot.storage.copy import CopyError, copy_database
    from bot.storage.db import Database, connect, is_url
    from bot.storage.postgres import safe_url

    def shown(target: str) -> str:
        return safe_url(target) if is_url(target) else target

    opened: list[Database] = []
    try:
        for side, target in (("source", source), ("destination", destination)):
            try:
                opened.append(await connect(target))
            except MigrationError as exc:
                print(f"error: {side}: {exc}", file=sys.stderr)
                return EXIT_PROBLEMS
        try:
            counts = await copy_database(*opened)
        except CopyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    finally:
        for db in opened:
            await db.close()
    print(f"copied {shown(source)} -> {shown(destination)}")
    width = max([len("table"), *(len(c.table) for c in counts)])
    print(f"{'table':<{width}}  {'source':>10}  {'destination':>11}")
    for c in sorted(counts, key=lambda c: c.table):
        mark = "" if c.matches else "  DIFFERENT"
        print(f"{c.table:<{width}}  {c.source:>10}  {c.destination:>11}{mark}")
    differ = [c.table for c in counts if not c.matches]
    total = sum(c.source for c in counts)
    if differ:
        print(f"the row counts differ in {len(differ)} table(s): {', '.join(differ)}")
        return 1
    print(f"every table matches: {len(counts)} tables, {total} rows")
    return 0


async def cmd_run(
    config: Config, user: str | None, moderator: bool, line_marker: str | None = None
) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import Adapter, build_app, run_until_done
    from bot.core.clock import clock_from_env

    # Secrets come from the environment; check them before anything is opened.
    token = discord_token(config) if "discord" in config.adapters else None
    if "discord" in config.adapters and token is None:
        return EXIT_PROBLEMS
    credentials = None
    if "matrix" in config.adapters:
        from bot.adapters.matrix.login import (
            Credentials,
            MatrixSetupError,
            kept_session,
            store_path,
        )

        kept = kept_session(config.matrix, store_path(config.matrix)) is not None
        try:
            credentials = Credentials.from_env(kept=kept)
        except MatrixSetupError as exc:
            print(f"error: matrix: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    app = await build_app(config, clock=clock_from_env())
    adapters: list[Adapter] = []
    if "console" in config.adapters:
        adapters.append(
            ConsoleAdapter(
                app.engine, config.console, user=user, moderator=moderator, line_marker=line_marker
            )
        )
    if token is not None:
        from bot.adapters.discord.adapter import DiscordAdapter
        from bot.adapters.discord.commands import SlashCommandError

        try:
            adapters.append(DiscordAdapter(app.engine, app.state(), config.discord, token))
        except SlashCommandError as exc:
            await app.stop()
            print(f"error: discord: the slash commands cannot be made: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    if credentials is not None:
        from bot.adapters.matrix.adapter import MatrixAdapter

        adapters.append(
            MatrixAdapter(
                app.engine,
                app.matrix_state(config.matrix.user_id),
                app.clock,
                config.matrix,
                credentials,
                lease=app.matrix_lease(config.matrix),
            )
        )
    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, lambda: main_task.cancel() if main_task else None)
    with contextlib.suppress(asyncio.CancelledError):
        await run_until_done(app, adapters)
    if any(getattr(a, "failed", None) for a in adapters):
        return EXIT_PROBLEMS  # an adapter could not start (e.g. a refused Matrix login)
    return 0


if __name__ == "__main__":
    sys.exit(main())
