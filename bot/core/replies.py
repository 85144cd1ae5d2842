"""Replies are values. Each adapter renders them for its platform.

Text in a Reply is plain text: adapters escape it for their markup and never let it
ping anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str


@dataclass(frozen=True)
class ChoiceSet:
    """Lettered options a member can pick with a button or a reaction.

    Picking option i runs the command line `pick_line(i)`, e.g. "answer B token q7-2";
    `token` names what the choices belong to (a quiz question), so a platform can keep it
    in a button's custom id or beside a message id, and the core can refuse a click on a
    question that has closed. Withdrawing a pick (a redacted reaction) runs
    `withdraw_line()` when `withdraw` names a command. Both commands take a keyword
    argument `token`.
    """

    options: tuple[str, ...]
    command: str
    token: str
    withdraw: str | None = None
    closed: bool = False

    def pick_line(self, index: int) -> str:
        return f"{self.command} {LETTERS[index]} token {self.token}"

    def withdraw_line(self) -> str | None:
        return f"{self.withdraw} token {self.token}" if self.withdraw else None


@dataclass(frozen=True)
class Hidden:
    """Text a reply holds behind the platform's spoiler markup (past a member's reading
    line): Discord `||...||`, Matrix `<span data-mx-spoiler>` with a plain body that leaves
    it out, the console a placeholder. `note` says why it is hidden and how to see it
    openly; it is shown in every rendering."""

    text: str
    note: str


@dataclass(frozen=True)
class Reply:
    text: str = ""
    title: str | None = None
    # Shown after `text`, hidden behind spoiler markup.
    hidden: Hidden | None = None
    fields: tuple[Field, ...] = ()
    choices: ChoiceSet | None = None
    image: Attachment | None = None
    file: Attachment | None = None
    footer: str | None = None
    # Only the caller should see it (ephemeral on Discord; on platforms without private
    # replies the adapter decides, e.g. a reaction or a direct message).
    private: bool = False
    # Free-form tags adapters may use (e.g. "quiz-question", "quiz-reveal", "error"); the
    # engine honours one, NO_TRACE.
    tags: frozenset[str] = field(default_factory=frozenset)


# A private reply tagged so must reach the member alone even where private replies are
# not (Matrix rooms show an addressed notice to everyone): such platforms send it in a
# direct message (what lies past the member's spoiler line, asked for on purpose).
DIRECT = "direct"

# A reply tagged so asks the engine not to record the command as the caller's activity
# (`privacy show` and `privacy delete` must leave no new trace of the member).
NO_TRACE = "no-trace"


def error(text: str) -> Reply:
    return Reply(text=text, private=True, tags=frozenset({"error"}))
