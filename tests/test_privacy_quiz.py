"""Privacy covers quiz results too: shown by `privacy show`, erased by delete and optout."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleBot


async def play_one_question(console: ConsoleBot) -> None:
    await console.say("/quiz start 15 questions 1", user="mod", moderator=True)
    await console.say("/answer A", user="alice")
    await console.say("/answer B", user="bob")
    await console.say("/quiz next", user="mod", moderator=True)


@pytest.mark.parametrize("command", ["/privacy delete confirm", "/privacy optout"])
async def test_privacy_erases_quiz_results_of_the_caller_only(
    console: ConsoleBot, command: str
) -> None:
    await play_one_question(console)
    shown = await console.say("/privacy show", user="alice")
    assert "Quiz results: 1 answer in 1 finished quiz" in shown
    board = await console.say("/quiz leaderboard")
    assert "alice" in board and "bob" in board

    await console.say(command, user="alice")

    assert "Quiz results" not in await console.say("/privacy show", user="alice")
    board = await console.say("/quiz leaderboard")
    assert "alice" not in board and "bob" in board
