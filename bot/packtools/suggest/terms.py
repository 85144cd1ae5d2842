"""Candidate glossary terms: names and acronyms the chapter uses more than once that the
book's glossary does not have yet."""

from __future__ import annotations

from typing import Any

from bot.packtools.suggest.names import counted_names

TODO_DEFINITION = "TODO: what it is, in a sentence or two"


def candidate_terms(paragraphs: list[str], known: set[str]) -> list[dict[str, Any]]:
    """Entries to paste under glossary:, most used first; `known` holds the casefolded
    terms and aliases already in the book; `paragraphs` are the chapter's prose."""
    counts = counted_names(paragraphs)
    out = []
    seen = set(known)
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        key = " ".join(name.casefold().split())
        if count < 2 or key in seen:
            continue
        seen.add(key)
        out.append({"term": name, "definition": TODO_DEFINITION})
    return out
