"""Practice: one member plays a quiz privately at their own pace. Pure like quiz.py.

A practice session belongs to a member, not to a channel, so it never meets a group quiz
running in the same channel, and it never counts on the group's leaderboard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.content.judging import judge, provenance, shown_answer
from bot.content.model import QuizItem
from bot.core.replies import ChoiceSet, Reply

PRACTICE_ANSWER = "practice answer"


@dataclass
class PracticeSession:
    member: str
    label: str
    items: list[QuizItem]
    position: int = 0
    right: int = 0
    answered: int = 0

    @property
    def token(self) -> str:
        return f"p{self.position + 1}"

    @property
    def done(self) -> bool:
        return self.position >= len(self.items)

    def question_reply(self, prefix: str = "/") -> Reply:
        item = self.items[self.position]
        options = item.options
        choices = ChoiceSet(options, PRACTICE_ANSWER, self.token) if options else None
        how = (
            f"Answer with {prefix}practice answer and a letter."
            if options
            else f"Answer with {prefix}practice answer and your answer in words."
        )
        return Reply(
            title=f"Practice {self.position + 1} of {len(self.items)} ({self.label})",
            text=item.question,
            choices=choices,
            footer=f"{how} {prefix}practice stop to end.",
            private=True,
            tags=frozenset({"quiz-question", "practice"}),
        )

    def answer(self, raw: str, prefix: str = "/", token: str | None = None) -> list[Reply]:
        """Judge the answer, explain, and ask the next question (or give the score)."""
        if self.done:
            return [self.results_reply()]
        if token is not None and token != self.token:
            return [
                Reply(
                    text="That practice question has closed; here is the current one.",
                    private=True,
                ),
                self.question_reply(prefix),
            ]
        item = self.items[self.position]
        given, correct = judge(item, raw)
        self.answered += 1
        self.right += int(correct)
        verdict = "Right!" if correct else f"Not quite: you said {given}."
        feedback = Reply(
            title=verdict,
            text=f"The answer: {shown_answer(item)}\n\n{item.explanation}\n\n{provenance(item)}",
            choices=ChoiceSet(item.options, PRACTICE_ANSWER, self.token, closed=True)
            if item.options
            else None,
            private=True,
            tags=frozenset({"quiz-reveal", "practice"}),
        )
        self.position += 1
        if self.done:
            return [feedback, self.results_reply()]
        return [feedback, self.question_reply(prefix)]

    def results_reply(self) -> Reply:
        return Reply(
            title=f"Practice finished ({self.label})",
            text=f"You got {self.right} of {self.answered} right. "
            "Practice does not count on the leaderboard.",
            private=True,
            tags=frozenset({"quiz-results", "practice"}),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "member": self.member,
                "label": self.label,
                "items": [i.model_dump(mode="json") for i in self.items],
                "position": self.position,
                "right": self.right,
                "answered": self.answered,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PracticeSession:
        raw = json.loads(text)
        return cls(
            member=raw["member"],
            label=raw["label"],
            items=[QuizItem.model_validate(i) for i in raw["items"]],
            position=int(raw["position"]),
            right=int(raw["right"]),
            answered=int(raw["answered"]),
        )
