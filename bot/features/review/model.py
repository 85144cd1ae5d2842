"""A member's review items and their schedule. Pure: no I/O, no clock; every step takes
`now`. The scheduling is FSRS, from the `fsrs` package, set up for a reading group that
meets daily: no same-day learning steps, a lapse comes back the next day, no random fuzz
(intervals are whole days, so tests and members can tell when an item comes back)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from bot.content.model import QuizItem
from bot.core.refs import MemberRef

SCHEDULER = Scheduler(
    learning_steps=(),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)

# A right answer to a timed question counts as slow when it took more than this share of
# the question's time: the item goes on the schedule (rated Hard) as a missed one does.
SLOW_SHARE = 0.5
SLOW_RULE = "more than half of a timed question's time"


def is_slow(seconds: float | None, time_limit: int | None) -> bool:
    return seconds is not None and bool(time_limit) and seconds > SLOW_SHARE * (time_limit or 0)


def rating_for(correct: bool, slow: bool = False) -> Rating:
    """Again for a wrong answer, Hard for a right but slow one, Good for a right one."""
    if not correct:
        return Rating.Again
    return Rating.Hard if slow else Rating.Good


@dataclass(frozen=True)
class ReviewItem:
    """One quiz item on a member's schedule."""

    member: MemberRef
    book_id: str
    chapter: int | None
    item: QuizItem
    card: Card
    reviews: int  # answers counted on the schedule (the first miss included)
    lapses: int  # wrong answers among them
    added_at: datetime

    @property
    def due(self) -> datetime:
        return self.card.due

    @property
    def key(self) -> tuple[str, str]:
        return self.book_id, self.item.id

    def item_json(self) -> str:
        return json.dumps(self.item.model_dump(mode="json"))

    def card_json(self) -> str:
        return self.card.to_json()

    def rated(self, rating: Rating, now: datetime) -> ReviewItem:
        """The item after an answer rated so at `now`: due again when FSRS says."""
        card, _ = SCHEDULER.review_card(self.card, rating, now.astimezone(UTC))
        return replace(
            self,
            card=card,
            reviews=self.reviews + 1,
            lapses=self.lapses + int(rating == Rating.Again),
        )


def new_item(
    member: MemberRef,
    book_id: str,
    chapter: int | None,
    item: QuizItem,
    rating: Rating,
    now: datetime,
) -> ReviewItem:
    """An item that goes on the schedule now, rated by the answer that put it there."""
    fresh = Card(card_id=1, due=now.astimezone(UTC))
    blank = ReviewItem(member, book_id, chapter, item, fresh, 0, 0, now)
    return blank.rated(rating, now)


def item_from_json(text: str) -> QuizItem:
    return QuizItem.model_validate(json.loads(text))


def card_from_json(text: str) -> Card:
    return Card.from_json(text)
