"""MSC3381 poll events as Element reads them: a poll start carrying both the stable and
the unstable content, responses of either kind, and the end. See polls.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.matrix.render import NO_TARGET, Target

POLL_START = "org.matrix.msc3381.poll.start"
POLL_END = "org.matrix.msc3381.poll.end"
RESPONSES = ("m.poll.response", "org.matrix.msc3381.poll.response")
UNSTABLE_TEXT = "org.matrix.msc1767.text"


def answer_id(index: int) -> str:
    return str(index + 1)


def fallback(question: str, options: Sequence[str]) -> str:
    return "\n".join([question, *(f"{i}. {o}" for i, o in enumerate(options, 1))])


def poll_start_content(
    question: str,
    options: Sequence[str],
    undisclosed: bool = False,
    max_selections: int = 1,
    target: Target = NO_TARGET,
) -> dict[str, Any]:
    """Both the stable and the unstable MSC3381 content of one poll start."""
    text = fallback(question, options)
    kind = "undisclosed" if undisclosed else "disclosed"
    content: dict[str, Any] = {
        POLL_START: {
            "kind": f"org.matrix.msc3381.poll.{kind}",
            "max_selections": max_selections,
            "question": {UNSTABLE_TEXT: question, "body": question},
            "answers": [
                {"id": answer_id(i), UNSTABLE_TEXT: option} for i, option in enumerate(options)
            ],
        },
        UNSTABLE_TEXT: text,
        "m.poll": {
            "kind": f"m.{kind}",
            "max_selections": max_selections,
            "question": {"m.text": [{"body": question}]},
            "answers": [
                {"m.id": answer_id(i), "m.text": [{"body": option}]}
                for i, option in enumerate(options)
            ],
        },
        "m.text": [{"body": text}],
        "body": text,
    }
    relation = target.relation()
    if relation:
        content["m.relates_to"] = relation
    return content


def poll_end_content(poll_id: str, text: str, counts: Mapping[str, int]) -> dict[str, Any]:
    content: dict[str, Any] = {
        "m.relates_to": {"rel_type": "m.reference", "event_id": poll_id},
        POLL_END: {},
        UNSTABLE_TEXT: text,
        "m.text": [{"body": text}],
        "body": text,
    }
    if counts:
        content["m.poll.results"] = dict(counts)
    return content


def response_of(event_type: str, content: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """(the poll start's event id, the answer ids chosen) of a poll response, or None."""
    if event_type not in RESPONSES:
        return None
    relates = content.get("m.relates_to") or {}
    poll_id = relates.get("event_id")
    if relates.get("rel_type") != "m.reference" or not isinstance(poll_id, str):
        return None
    chosen = content.get("m.selections")
    if chosen is None:
        chosen = (content.get("org.matrix.msc3381.poll.response") or {}).get("answers")
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        return poll_id, []
    return poll_id, list(chosen)


def indexes(answers: Sequence[str], options: int, max_selections: int = 1) -> tuple[int, ...]:
    """The option indexes of a response's answer ids, truncated to `max_selections`; an
    unknown id spoils the whole vote (no choice), as MSC3381 says."""
    chosen: list[int] = []
    for answer in answers[:max_selections]:
        if not answer.isdigit() or not 1 <= int(answer) <= options:
            return ()
        if int(answer) - 1 not in chosen:
            chosen.append(int(answer) - 1)
    return tuple(chosen)
