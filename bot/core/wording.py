"""Counts in words that read naturally: "1 message", "2 messages", "1 reply"."""

from __future__ import annotations

from collections.abc import Sequence


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the word, singular for exactly one: plural(1, "reply", "replies")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def chapters_checked_in(read: Sequence[int], total: int) -> str:
    """ "1 of 3 (chapter 15)", "2 of 3 (chapters 1, 2)", "0 of 3"."""
    text = f"{len(read)} of {total}"
    if read:
        word = "chapter" if len(read) == 1 else "chapters"
        text += f" ({word} {', '.join(str(n) for n in read)})"
    return text
