"""The command table: parsing words and typed options, rights, and errors as messages."""

from __future__ import annotations

import pytest

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import FakeClock
from bot.core.command_context import CommandContext
from bot.core.commands import (
    Arg,
    ArgKind,
    Args,
    Command,
    CommandSet,
    CommandTable,
    UsageError,
    as_int,
    parse_mapping,
    parse_words,
)
from bot.core.engine import Engine, ModeratorPolicy
from bot.core.refs import Caller, Place
from bot.core.replies import ChoiceSet, Reply
from tests.harness import START


async def echo(ctx: CommandContext, args: Args) -> Reply:
    return Reply(text=repr(dict(args)))


START_CMD = Command(
    "quiz start",
    "start a quiz",
    echo,
    args=(
        Arg("chapter", "chapter", convert=as_int, type=int),
        Arg("questions", "how many", convert=as_int, keyword="questions", metavar="N", type=int),
        Arg("kinds", "which kinds", choices=("choice", "text", "truefalse")),
    ),
    moderator=True,
)
QUOTE_CMD = Command(
    "quote",
    "a quote",
    echo,
    args=(Arg("chapter", "c", convert=as_int), Arg("words", "w", kind=ArgKind.TEXT)),
)
SUMMARY_CMD = Command(
    "summary",
    "s",
    echo,
    args=(Arg("chapter", "c", convert=as_int), Arg("long", "l", kind=ArgKind.FLAG)),
)


def test_positional_keyword_and_choice_in_any_order() -> None:
    args = parse_words(START_CMD, ["questions", "3", "15", "TEXT"])
    assert dict(args) == {"chapter": 15, "questions": 3, "kinds": "text"}


def test_optional_positional_is_skipped_when_the_word_fits_a_later_one() -> None:
    assert dict(parse_words(START_CMD, ["choice"])) == {
        "chapter": None,
        "questions": None,
        "kinds": "choice",
    }


def test_rest_of_line_keeps_its_words_and_chapter_is_optional() -> None:
    assert dict(parse_words(QUOTE_CMD, ["15", "Chiang", "Kai-shek"])) == {
        "chapter": 15,
        "words": "Chiang Kai-shek",
    }
    assert dict(parse_words(QUOTE_CMD, ["Chiang"])) == {"chapter": None, "words": "Chiang"}


def test_flag_anywhere() -> None:
    assert dict(parse_words(SUMMARY_CMD, ["long", "15"])) == {"chapter": 15, "long": True}
    assert dict(parse_words(SUMMARY_CMD, [])) == {"chapter": None, "long": False}


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["questions"], "`questions` needs a value."),
        (["questions", "many"], "`questions`: expected a whole number; got 'many'."),
        (["15", "pictures"], "`kinds` must be one of choice, text, truefalse; got 'pictures'."),
        (["15", "text", "extra"], "I did not understand 'extra'."),
    ],
)
def test_argument_errors_name_the_argument_and_show_usage(words: list[str], message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_words(START_CMD, words)
    assert message in str(info.value)
    assert "Usage: /quiz start [chapter] [questions N] [kinds]" in str(info.value)


def test_typed_options_use_the_same_converters() -> None:
    args = parse_mapping(START_CMD, {"chapter": "15", "questions": "4", "kinds": None})
    assert dict(args) == {"chapter": 15, "questions": 4, "kinds": None}
    with pytest.raises(UsageError, match="`questions`: expected a whole number"):
        parse_mapping(START_CMD, {"questions": "x"})
    with pytest.raises(UsageError, match="unknown argument 'color'"):
        parse_mapping(START_CMD, {"color": "red"})


def test_a_name_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        CommandTable([SUMMARY_CMD, SUMMARY_CMD])


def test_only_the_last_argument_may_take_the_rest_of_the_line() -> None:
    with pytest.raises(ValueError, match="only the last argument"):
        Command("x", "x", echo, args=(Arg("a", "a", kind=ArgKind.TEXT), Arg("b", "b")))


def test_choice_set_lines_carry_the_token() -> None:
    choices = ChoiceSet(("x", "y"), command="answer", token="q1-2", withdraw="quiz withdraw")
    assert choices.pick_line(1) == "answer B token q1-2"
    assert choices.withdraw_line() == "quiz withdraw token q1-2"


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Activity] = []

    def record(self, activity: Activity) -> None:
        self.seen.append(activity)


def make_engine(
    *commands: Command, policy: ModeratorPolicy | None = None
) -> tuple[Engine, Recorder]:
    recorder = Recorder()
    engine = Engine(CommandTable(commands), FakeClock(START), policy, sinks=[recorder])
    return engine, recorder


PLACE = Place("test", "g1", "c1")
MEMBER = Caller("u1", "Uma")


async def test_moderator_command_refused_to_member_and_not_run() -> None:
    ran: list[str] = []

    async def handler(ctx: CommandContext, args: Args) -> Reply:
        ran.append("yes")
        return Reply(text="done")

    cs = CommandSet()
    cs.command("purge", "moderators only", moderator=True)(handler)
    engine, recorder = make_engine(*cs.commands)
    replies = await engine.run_line(MEMBER, PLACE, "purge")
    assert replies[0].private and replies[0].text == "Only moderators can use /purge."
    assert ran == [] and recorder.seen == []


async def test_config_names_moderators_whatever_the_platform_says() -> None:
    cs = CommandSet()
    cs.command("purge", "moderators only", moderator=True)(echo)
    policy = ModeratorPolicy.from_names(["test:u1"], ["Librarian"], ["test"])
    engine, _ = make_engine(*cs.commands, policy=policy)
    assert "{}" in (await engine.run_line(MEMBER, PLACE, "purge"))[0].text
    other = Caller("u2", "Ola", roles=("Librarian",))
    assert "{}" in (await engine.run_line(other, PLACE, "purge"))[0].text


async def test_a_failing_handler_gives_a_clear_message_not_a_traceback(caplog) -> None:
    async def broken(ctx: CommandContext, args: Args) -> Reply:
        raise RuntimeError("database on fire")

    engine, _ = make_engine(Command("boom", "fails", broken))
    replies = await engine.run_line(MEMBER, PLACE, "boom")
    assert replies[0].private
    assert "Something went wrong" in replies[0].text and "fire" not in replies[0].text
    assert "database on fire" in caplog.text  # the details go to the log


async def test_messages_and_commands_are_recorded_as_activity_without_text() -> None:
    engine, recorder = make_engine(SUMMARY_CMD)
    assert await engine.on_message(MEMBER, PLACE, "a thought about chapter 15") is None
    await engine.on_message(MEMBER, Place("test", "g1", "c1", thread_id="t1"), "in a thread")
    await engine.on_message(MEMBER, PLACE, "/summary 15")
    engine.on_reaction(MEMBER, PLACE)
    kinds = [a.kind for a in recorder.seen]
    assert kinds == [
        ActivityKind.MESSAGE,
        ActivityKind.THREAD_REPLY,
        ActivityKind.COMMAND,
        ActivityKind.REACTION,
    ]
    assert all("thought" not in repr(a) for a in recorder.seen)


async def test_a_lone_prefix_or_slash_with_space_is_an_ordinary_message() -> None:
    engine, recorder = make_engine(SUMMARY_CMD)
    assert await engine.on_message(MEMBER, PLACE, "/") is None
    assert await engine.on_message(MEMBER, PLACE, "/ not a command") is None
    assert len(recorder.seen) == 2


async def test_group_without_subcommand_lists_the_subcommands_the_caller_may_run() -> None:
    engine, _ = make_engine(START_CMD, Command("quiz next", "next", echo))
    text = (await engine.run_line(MEMBER, PLACE, "quiz"))[0].text
    assert "/quiz needs a subcommand" in text and "/quiz next" in text
    assert "/quiz start" not in text  # moderators only
    moderator = Caller("m1", "Mo", platform_moderator=True)
    text = (await engine.run_line(moderator, PLACE, "quiz"))[0].text
    assert "/quiz next" in text and "/quiz start" in text


async def test_did_you_mean_offers_a_member_no_moderators_command() -> None:
    engine, _ = make_engine(START_CMD, Command("quiz status", "status", echo))
    text = (await engine.run_line(MEMBER, PLACE, "quiz strat"))[0].text
    assert "Did you mean /quiz status?" in text and "/quiz start" not in text
    moderator = Caller("m1", "Mo", platform_moderator=True)
    text = (await engine.run_line(moderator, PLACE, "quiz strat"))[0].text
    assert "Did you mean /quiz start or /quiz status?" in text


def test_config_moderator_names_are_typed_per_platform() -> None:
    """ "console:alice" moderates only on the console; a Matrix id with its colons names
    that id on any platform; nothing is matched by building "platform:id" strings."""
    policy = ModeratorPolicy.from_names(
        ["console:alice", "@ann:example.org"], [], ["console", "discord", "matrix"]
    )
    alice = Caller("alice", "Alice")
    assert policy.is_moderator(alice, Place("console", "g", "c"))
    assert not policy.is_moderator(alice, Place("discord", "1", "2"))
    assert policy.is_moderator(Caller("@ann:example.org", "Ann"), Place("matrix", "!r", "!r"))
    assert not policy.is_moderator(Caller("@bob:example.org", "Bob"), Place("matrix", "!r", "!r"))


# -- positions, shapes, repeated keywords, hidden arguments -------------------------------

SET_CMD = Command(
    "daily set",
    "set",
    echo,
    args=(
        Arg("time", "time", keyword="time", convert=lambda r: r if ":" in r else int("x")),
        Arg("timezone", "zone", keyword="timezone", shape=lambda r: "/" in r),
        Arg("prompt", "prompt", keyword="prompt", choices=("on", "off")),
    ),
)
ANSWER_CMD = Command(
    "answer",
    "answer",
    echo,
    args=(
        Arg("token", "t", keyword="token", hidden=True),
        Arg("answer", "a", kind=ArgKind.TEXT, required=True),
    ),
)


def test_keyword_arguments_may_be_given_by_position_and_recognised_by_shape() -> None:
    assert dict(parse_words(SET_CMD, ["09:00", "Europe/London"])) == {
        "time": "09:00",
        "timezone": "Europe/London",
        "prompt": None,
    }
    # A word skips the optional slots whose shape it lacks.
    assert dict(parse_words(SET_CMD, ["off"])) == {"time": None, "timezone": None, "prompt": "off"}
    assert dict(parse_words(SET_CMD, ["Asia/Tokyo", "time", "07:30"]))["time"] == "07:30"
    # A count after a chapter fills the next slot that takes a number.
    assert dict(parse_words(START_CMD, ["15", "5"])) == {
        "chapter": 15,
        "questions": 5,
        "kinds": None,
    }


def as_kinds(raw: str) -> list[str]:
    kinds = raw.split(",")
    if not set(kinds) <= {"choice", "text"}:
        raise ValueError("expected kinds")
    return kinds


def test_a_comma_space_list_is_one_value() -> None:
    cmd = Command("k", "k", echo, args=(Arg("kinds", "k", convert=as_kinds),))
    assert dict(parse_words(cmd, ["kinds", "choice,", "text"])) == {"kinds": ["choice", "text"]}
    assert dict(parse_words(cmd, ["choice", ",text"])) == {"kinds": ["choice", "text"]}


def test_a_repeated_keyword_is_refused_as_such() -> None:
    with pytest.raises(UsageError, match="`questions` is given twice"):
        parse_words(START_CMD, ["questions", "2", "questions", "3"])


def test_a_word_that_fits_no_argument_names_the_one_it_was_meant_for() -> None:
    with pytest.raises(UsageError) as info:
        parse_words(SET_CMD, ["7pm"])
    assert "`time`: invalid literal" in str(info.value) and "got '7pm'" in str(info.value)
    with pytest.raises(UsageError, match="'Tokyo' does not fit `timezone`"):
        parse_words(SET_CMD, ["07:00", "Tokyo"])
    assert "Usage: /daily set [time time] [timezone timezone] [prompt prompt]" in str(info.value)


def test_hidden_arguments_are_keyword_only_and_left_out_of_usage() -> None:
    assert ANSWER_CMD.usage() == "/answer answer..."
    assert dict(parse_words(ANSWER_CMD, ["B", "token", "q1-2"])) == {
        "token": "q1-2",
        "answer": "B",
    }


# -- did you mean, group defaults -----------------------------------------------------------


def names(found: list[Command]) -> list[str]:
    return [c.name for c in found]


def test_suggestions_for_mistyped_commands_and_subcommands() -> None:
    table = CommandTable(
        Command(n, n, echo)
        for n in ("summary", "quiz start", "quiz stop", "quiz status", "quiz practice",
                  "practice answer", "practice stop", "daily set", "daily off")
    )  # fmt: skip
    assert names(table.suggest(["sumary"])) == ["summary"]
    assert names(table.suggest(["quiz", "end"]))[0] == "quiz stop"
    assert names(table.suggest(["practice", "start"]))[0] == "quiz practice"
    assert names(table.suggest(["daily", "on"]))[0] == "daily set"
    assert table.suggest(["xyzzy"]) == []


async def test_a_group_alone_runs_its_declared_default() -> None:
    status = Command("quiz status", "status", echo)
    engine, _ = make_engine(START_CMD, status)
    engine.table.set_default("quiz", "quiz status")
    assert (await engine.run_line(MEMBER, PLACE, "quiz"))[0].text == "{}"
    shown = (await engine.run_line(MEMBER, PLACE, "quiz end"))[0].text
    assert "/quiz has no subcommand 'end'." in shown and "/quiz status" in shown
    shown = (await engine.run_line(MEMBER, PLACE, "quizz"))[0].text
    assert "Unknown command '/quizz'. Did you mean /quiz status?" in shown
    with pytest.raises(ValueError, match="not a command of the group"):
        engine.table.set_default("quiz", "summary")
