"""`pack suggest`'s YAML: what it proposes for a chapter, ready to paste."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content.attribution import is_attribution, paragraphs
from bot.packtools.chapterfile import read_chapter, source_text
from bot.packtools.suggest.drafts import draft_items
from bot.packtools.suggest.names import counted_names
from bot.packtools.suggest.quotes import suggested_quotes
from bot.packtools.suggest.terms import candidate_terms


def dump_item(item: dict[str, Any], indent: int = 2) -> str:
    """One list entry as block YAML, indented to sit under a key."""
    text = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=10_000)
    return "".join(" " * indent + line for line in text.splitlines(keepends=True))


def _section(key: str, entries: list[str], comment: str) -> str:
    if not entries:
        return f"# {comment}\n{key}: []\n"
    return f"# {comment}\n{key}:\n" + "".join(entries)


def prose(text: str) -> list[str]:
    """The text's paragraphs without the lines that name a work."""
    return [p.text for p in paragraphs(text) if not is_attribution(p.text)]


def suggest(path: Path) -> str:
    """The YAML proposed for the chapter file at `path`; ProblemsError on bad input."""
    found = read_chapter(path)
    text = source_text(found)
    chapter = found.chapter
    quotes = suggested_quotes(text, set(found.quote_ids), found.glossary)
    names = [n for n, _ in counted_names(prose(text)).most_common()]
    drafts = draft_items(text, chapter.number, set(found.quiz_ids), names)
    terms = candidate_terms(prose(text), set(found.glossary))
    head = (
        f"# Suggested by `python -m bot pack suggest` from {chapter.source_text}.\n"
        f"# Paste what you keep into {path.name} under the same keys, then run\n"
        "# `python -m bot validate`. Quotes and citations are word for word from the text.\n"
    )
    draft_entries = [
        f"  # DRAFT from line {d.line} of the text: check and rewrite the question,\n"
        "  # the answer and the explanation, then delete this comment.\n" + dump_item(d.item)
        for d in drafts
    ]
    return "\n".join(
        [
            head,
            _section(
                "quotes",
                [dump_item(q) for q in quotes],
                f"{len(quotes)} passage(s) the text quotes, credited to the work it names",
            ),
            _section("quiz", draft_entries, f"{len(drafts)} draft quiz item(s)"),
            _section(
                "glossary",
                [dump_item(t) for t in terms],
                f"{len(terms)} name(s) used more than once that the glossary does not have",
            ),
        ]
    )
