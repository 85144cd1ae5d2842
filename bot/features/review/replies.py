"""What a member sees in review: an item asked, the verdict with the reveal and the
citation, the status. Pure."""

from __future__ import annotations

from bot.content.judging import provenance, shown_answer
from bot.core.replies import ChoiceSet, Reply
from bot.features.review.model import SLOW_RULE, ReviewItem

REVIEW_ANSWER = "review answer"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def question_reply(entry: ReviewItem, token: str, left: int, prefix: str) -> Reply:
    item = entry.item
    options = item.options
    how = (
        f"Answer with {prefix}review answer and a letter."
        if options
        else f"Answer with {prefix}review answer and your answer in words."
    )
    where = f"chapter {entry.chapter}, " if entry.chapter is not None else ""
    return Reply(
        title=f"Review ({where}{plural(left, 'item')} due today)",
        text=item.question,
        choices=ChoiceSet(options, REVIEW_ANSWER, token) if options else None,
        footer=how,
        private=True,
        tags=frozenset({"quiz-question", "review"}),
    )


def verdict_reply(entry: ReviewItem, given: str, correct: bool, when: str, token: str) -> Reply:
    """The reveal after a review answer, with the citation and when the item comes back."""
    item = entry.item
    verdict = "Right!" if correct else f"Not quite: you said {given}."
    return Reply(
        title=verdict,
        text=f"The answer: {shown_answer(item)}\n\n{item.explanation}\n\n{provenance(item)}",
        choices=ChoiceSet(item.options, REVIEW_ANSWER, token, closed=True)
        if item.options
        else None,
        footer=f"You will see it again {when}.",
        private=True,
        tags=frozenset({"quiz-reveal", "review"}),
    )


def nothing_due_reply(total: int, next_when: str | None, prefix: str) -> Reply:
    if total == 0:
        text = (
            "You have nothing to review: the quiz items you miss (and those you get right "
            "only slowly in a timed quiz) come here, on a schedule of their own."
        )
    else:
        text = f"Nothing to review today. Next: {next_when}."
    return Reply(text=text, footer=f"{prefix}review status for your counts", private=True)


HELP_NOTE = (
    "Review: every quiz item you miss (in a group quiz or in practice), and every one you "
    f"get right but slowly ({SLOW_RULE}), goes on your own spaced-repetition schedule (FSRS): "
    "due again the next day, then at growing intervals while you answer right; a wrong "
    "answer brings it back the next day. `review` asks what is due, privately."
)
