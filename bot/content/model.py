"""Content packs: a book's metadata and one YAML file per chapter.

    content/<book>/book.yaml            id, title, author, language, source, notes
    content/<book>/chapters/<n>.yaml    number, title, summary, key_points, quotes, quiz,
                                        discussion, glossary, source_text (optional)
    content/<book>/decks/<id>.yaml      id, title, quiz (optional named quiz decks)

The models are strict: text fields refuse YAML's numbers and booleans instead of
coercing them. `validate.py` checks what the schema alone cannot (quotes against their
source text, duplicate ids across chapters).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.yamlfiles.errors import rule_error

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$"
    ),
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(Model):
    author: Text
    work: Text

    def __str__(self) -> str:
        return f"{self.author}, {self.work}"


class Quote(Model):
    id: Id
    text: Text
    source: Source


QuizKind = Literal["choice", "truefalse", "text"]


class QuizItem(Model):
    """One quiz question.

    - choice: `choices` (2 to 10) and `answer`, the text of the right choice;
    - truefalse: `answer` is true or false;
    - text: `answer` is the expected text; `accept` lists other accepted answers.

    `citation` is the passage of the source text that supports the answer, word for word.
    An item that does not come from the text (one imported from a trivia list) has no
    citation and says where it comes from in `source` instead; every item has one or both.
    """

    id: Id
    kind: QuizKind
    question: Text
    choices: list[Text] = []
    answer: Text | bool
    accept: list[Text] = []
    explanation: Text
    citation: Text | None = None
    source: Text | None = None  # provenance of an item not taken from the text

    @model_validator(mode="after")
    def _check_kind(self) -> QuizItem:
        if self.citation is None and self.source is None:
            raise rule_error(
                "a quiz item needs a citation: the passage of the source text that supports "
                "the answer (an item imported from elsewhere says where it comes from in "
                "source: instead)",
                "citation",
            )
        answer = self.answer
        if self.kind == "choice":
            if not 2 <= len(self.choices) <= 10:
                raise rule_error(
                    f"a choice question needs 2 to 10 choices, got {len(self.choices)}", "choices"
                )
            if not isinstance(answer, str):
                raise rule_error(
                    "the answer of a choice question is the text of one of its choices", "answer"
                )
            if len(set(self.choices)) != len(self.choices):
                raise rule_error("two choices have the same text", "choices")
            if answer not in self.choices:
                shown = "; ".join(repr(c) for c in self.choices)
                raise rule_error(
                    f"the answer {answer!r} is not among the choices ({shown}); "
                    "copy the right choice's text exactly",
                    "answer",
                )
        elif self.kind == "truefalse":
            if not isinstance(answer, bool):
                raise rule_error(
                    "the answer of a true/false question is true or false without quotes, "
                    f"got the text {answer!r}",
                    "answer",
                )
            if self.choices:
                raise rule_error("a true/false question has no choices", "choices")
        else:
            if not isinstance(answer, str):
                raise rule_error(
                    f"the answer of a text question is text, got {str(answer).lower()}: "
                    "YAML reads unquoted yes/no/true/false as true or false; "
                    "put the answer in quotes",
                    "answer",
                )
            if self.choices:
                raise rule_error(
                    "a text question has no choices; use accept: for other accepted answers",
                    "choices",
                )
        if self.kind != "text" and self.accept:
            raise rule_error("accept: is only for text questions", "accept")
        return self

    @property
    def options(self) -> tuple[str, ...]:
        """The lettered options shown to members (empty for text questions)."""
        if self.kind == "choice":
            return tuple(self.choices)
        if self.kind == "truefalse":
            return ("True", "False")
        return ()

    @property
    def answer_text(self) -> str:
        if isinstance(self.answer, bool):
            return "True" if self.answer else "False"
        return self.answer

    @property
    def correct_index(self) -> int | None:
        if self.kind == "text":
            return None
        return self.options.index(self.answer_text)


class Term(Model):
    term: Text
    definition: Text
    aliases: list[Text] = []


class Chapter(Model):
    number: int = Field(ge=0, le=10_000)
    title: Text
    summary: Text
    key_points: list[Text] = Field(min_length=1)
    source_text: Text | None = None
    quotes: list[Quote] = []
    quiz: list[QuizItem] = []
    discussion: list[Text] = []
    glossary: list[Term] = []


class Deck(Model):
    """A named list of quiz items outside the chapters (e.g. imported trivia lists)."""

    id: Id
    title: Text
    quiz: list[QuizItem] = Field(min_length=1)


class BookMeta(Model):
    id: Id
    title: Text
    author: Text
    language: Text
    source: Text
    notes: Text | None = None


class Book(Model):
    meta: BookMeta
    chapters: list[Chapter]
    decks: list[Deck] = []

    def deck(self, deck_id: str) -> Deck | None:
        for deck in self.decks:
            if deck.id == deck_id:
                return deck
        return None

    def chapter_list(self) -> str:
        """'15, 16, 17': the chapters there are, for messages that name them."""
        return ", ".join(str(n) for n in self.numbers)

    def chapter(self, number: int) -> Chapter | None:
        for chapter in self.chapters:
            if chapter.number == number:
                return chapter
        return None

    @property
    def numbers(self) -> list[int]:
        return [c.number for c in self.chapters]


class Library(Model):
    books: list[Book]

    def book(self, book_id: str | None = None) -> Book:
        """The book with this id, or the first one when no id is given."""
        if book_id is None:
            return self.books[0]
        for book in self.books:
            if book.meta.id == book_id:
                return book
        raise KeyError(book_id)
