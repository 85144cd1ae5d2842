"""PENDING (issue 10): rename to test_books_processes_quiz_daily.py once the quiz and the
daily features follow the group's book (`await store.book_for(place)`) on this branch.

Not collected now (no test_ prefix): on feat-books alone the quiz and daily quotes still
come from the default book, so it would fail for the group that chose another book. Run it
by hand with `pytest tests/books_processes_pending.py` after merging those branches.

Real console processes in two groups on one database and one library: `/quiz start` picks
items of its group's book, and `/daily now` posts a quote of its group's book."""

from __future__ import annotations

from pathlib import Path

from tests.library_support import BAKERS
from tests.test_books_processes import processes

# The questions of the bakers' book (tests/library_content): no other book has them.
BAKERS_QUESTIONS = (
    "How many bakers joined the cooperative on the first night?",
    "Did the bakers' cooperative own a mill on the canal by the autumn?",
)


async def test_each_group_quizzes_and_gets_daily_quotes_from_its_own_book(
    tmp_path: Path,
) -> None:
    async with processes(tmp_path, ("north", "nora", True), ("south", "sam", True)) as (
        north,
        south,
    ):
        assert "This group now reads" in await south.say(f"/book use {BAKERS}")

        started = await south.say("/quiz start questions 2")
        assert "Question 1 of 2" in started
        assert any(q in started for q in BAKERS_QUESTIONS), started
        assert "Question 2 of 2" in await south.say("/quiz next")
        stopped = await south.say("/quiz next")
        assert any(q in stopped for q in BAKERS_QUESTIONS), stopped

        started = await north.say("/quiz start 15 questions 2")
        assert "Question 1 of 2 (chapter 15)" in started
        assert not any(q in started for q in BAKERS_QUESTIONS)
        await north.say("/quiz stop")

        south_quote = await south.say("/daily now")
        assert "Quote of the day" in south_quote and "Marguerite Lenoir" in south_quote
        north_quote = await north.say("/daily now")
        assert "Quote of the day" in north_quote and "(chapter 15" in north_quote
        assert "Marguerite Lenoir" not in north_quote
