"""The review model alone: what counts as slow, how answers are rated, and the FSRS
intervals the schedule gives (whole days, no fuzz)."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating

from bot.content.model import QuizItem
from bot.core.refs import MemberRef
from bot.features.review.model import is_slow, new_item, rating_for
from tests.harness import START

ITEM = QuizItem.model_validate(
    {
        "id": "year",
        "kind": "text",
        "question": "Which year?",
        "answer": "1926",
        "explanation": "It was 1926.",
        "citation": "in 1926",
    }
)


def test_slow_is_more_than_half_of_a_timed_questions_time() -> None:
    assert is_slow(31, 60) and not is_slow(30, 60) and not is_slow(5, 60)
    assert not is_slow(500, None) and not is_slow(None, 60)


def test_answers_are_rated_again_hard_or_good() -> None:
    assert rating_for(False) == Rating.Again
    assert rating_for(False, slow=True) == Rating.Again
    assert rating_for(True, slow=True) == Rating.Hard
    assert rating_for(True) == Rating.Good


def test_a_miss_is_due_in_a_day_and_right_answers_space_it_out() -> None:
    entry = new_item(MemberRef("console", "alice"), "b", 1, ITEM, Rating.Again, START)
    assert entry.due - START == timedelta(days=1)
    assert (entry.reviews, entry.lapses) == (1, 1)
    gaps = []
    for _ in range(4):
        at = entry.due
        entry = entry.rated(Rating.Good, at)
        gaps.append((entry.due - at).days)
        assert entry.due - at == timedelta(days=gaps[-1])  # whole days
    assert gaps == sorted(gaps) and gaps[0] >= 2 and gaps[-1] > 20, gaps
    at = entry.due
    entry = entry.rated(Rating.Again, at)
    assert entry.due - at == timedelta(days=1) and entry.lapses == 2


def test_a_slow_right_answer_puts_an_item_on_the_schedule_for_the_next_day() -> None:
    entry = new_item(MemberRef("console", "bob"), "b", None, ITEM, Rating.Hard, START)
    assert entry.due - START == timedelta(days=1) and entry.lapses == 0
