"""What Discord refuses, as the fake checks it: message bodies and command payloads.

Each check returns Discord's `errors` object (ErrorDetails in the OpenAPI description:
nested by field path, `_errors` lists of {code, message}) or an empty dict when the body
passes. The limits are those of Discord's documentation (see docs/platforms.md):
- Message Resource, Create Message: content at most 2000 characters; at most 10 embeds.
- Message Resource, Embed Limits: title 256, description 4096, 25 fields, field name 256,
  field value 1024, footer text 2048, author name 256, and 6000 characters in all the
  embeds of one message together.
- Components, Action Row and Button: at most 5 action rows, 5 buttons per row, custom_id
  1-100 characters and unique in the message, label at most 80.
- Application Commands, Application Command Naming and Structure: the name pattern,
  lowercase; description 1-100; at most 25 options and 25 choices; choice name 1-100;
  required options before optional ones; 8000 characters per command (names,
  descriptions and choice names and values); at most 100 chat-input commands.
- Message Resource, Poll Create Request Object (and the OpenAPI PollCreateRequest):
  question.text 1-300; 1-10 answers, each poll_media.text 1-55; duration a whole number
  of hours 1-768; allow_multiselect a boolean.
- Channel Resource, Start Thread without Message / in Forum or Media Channel: name 1-100;
  at most 5 applied tags; a forum post needs its first message.
"""

from __future__ import annotations

import unicodedata
from typing import Any

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELDS_LIMIT = 25
FIELD_LIMITS = {"name": 256, "value": 1024}
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
NAME_LIMIT = 32
DESCRIPTION_LIMIT = 100
OPTIONS_LIMIT = 25
CHOICES_LIMIT = 25
CHOICE_NAME_LIMIT = 100
COMMAND_SIZE_LIMIT = 8000
COMMANDS_LIMIT = 100

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
ACTION_ROW = 1
BUTTON = 2
LINK_STYLE = 5

Errors = dict[str, Any]


def error(code: str, message: str) -> Errors:
    return {"_errors": [{"code": code, "message": message}]}


def too_long(limit: int) -> Errors:
    return error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def bad_length(low: int, high: int) -> Errors:
    return error("BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _put(errors: Errors, path: list[str], found: Errors) -> None:
    """Nest `found` at `path` in `errors` (Discord's errors object)."""
    node = errors
    for key in path:
        node = node.setdefault(key, {})
    node.setdefault("_errors", []).extend(found["_errors"])


# -- messages ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def embed_size(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6000 of a message's embeds."""
    size = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    size += len(_text((embed.get("footer") or {}).get("text")))
    size += len(_text((embed.get("author") or {}).get("name")))
    for item in embed.get("fields") or []:
        size += len(_text(item.get("name"))) + len(_text(item.get("value")))
    return size


def _embed_errors(errors: Errors, index: int, embed: dict[str, Any]) -> None:
    at = ["embeds", str(index)]
    for key, limit in EMBED_LIMITS.items():
        if len(_text(embed.get(key))) > limit:
            _put(errors, [*at, key], too_long(limit))
    if len(_text((embed.get("footer") or {}).get("text"))) > FOOTER_LIMIT:
        _put(errors, [*at, "footer", "text"], too_long(FOOTER_LIMIT))
    if len(_text((embed.get("author") or {}).get("name"))) > AUTHOR_LIMIT:
        _put(errors, [*at, "author", "name"], too_long(AUTHOR_LIMIT))
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_LIMIT:
        _put(errors, [*at, "fields"], too_long(FIELDS_LIMIT))
    for i, item in enumerate(fields):
        for key, limit in FIELD_LIMITS.items():
            value = _text(item.get(key))
            if not value:
                _put(
                    errors,
                    [*at, "fields", str(i), key],
                    error("BASE_TYPE_REQUIRED", "This field is required"),
                )
            elif len(value) > limit:
                _put(errors, [*at, "fields", str(i), key], too_long(limit))


def _component_errors(errors: Errors, rows: list[dict[str, Any]]) -> None:
    if len(rows) > ACTION_ROWS:
        _put(errors, ["components"], bad_length(1, ACTION_ROWS))
    seen: set[str] = set()
    for r, row in enumerate(rows):
        at = ["components", str(r)]
        if row.get("type") != ACTION_ROW:
            _put(errors, [*at, "type"], error("BASE_TYPE_CHOICES", "Value must be one of (1,)."))
            continue
        items = row.get("components") or []
        if not 1 <= len(items) <= BUTTONS_PER_ROW:
            _put(errors, [*at, "components"], bad_length(1, BUTTONS_PER_ROW))
        for b, item in enumerate(items):
            where = [*at, "components", str(b)]
            if item.get("type") != BUTTON:
                continue
            label = _text(item.get("label"))
            if len(label) > LABEL_LIMIT:
                _put(errors, [*where, "label"], too_long(LABEL_LIMIT))
            if item.get("style") == LINK_STYLE:
                continue
            custom_id = _text(item.get("custom_id"))
            if not 1 <= len(custom_id) <= CUSTOM_ID_LIMIT:
                _put(errors, [*where, "custom_id"], bad_length(1, CUSTOM_ID_LIMIT))
            elif custom_id in seen:
                _put(
                    errors,
                    [*where, "custom_id"],
                    error(
                        "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
                    ),
                )
            seen.add(custom_id)


def message_errors(body: dict[str, Any]) -> Errors:
    """What Discord says about a message body (create, edit, follow-up, callback data)."""
    errors: Errors = {}
    if len(_text(body.get("content"))) > CONTENT_LIMIT:
        _put(errors, ["content"], too_long(CONTENT_LIMIT))
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        _put(errors, ["embeds"], too_long(EMBEDS_PER_MESSAGE))
    for i, embed in enumerate(embeds):
        _embed_errors(errors, i, embed)
    if sum(embed_size(e) for e in embeds) > EMBED_TOTAL:
        _put(
            errors,
            ["embeds"],
            error("MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL}"),
        )
    _component_errors(errors, body.get("components") or [])
    if body.get("poll") is not None:
        for path, found in poll_errors(body["poll"]):
            _put(errors, ["poll", *path], found)
    return errors


# -- polls and threads ------------------------------------------------------------------

POLL_QUESTION_LIMIT = 300
POLL_ANSWER_LIMIT = 55
POLL_ANSWERS = 10
POLL_HOURS = (1, 768)
THREAD_NAME_LIMIT = 100
APPLIED_TAGS_LIMIT = 5


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def poll_errors(poll: Any) -> list[tuple[list[str], Errors]]:
    """What Discord says about a message's `poll` (path inside the poll, errors)."""
    if not isinstance(poll, dict):
        return [([], error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))]
    found: list[tuple[list[str], Errors]] = []
    question = (poll.get("question") or {}).get("text")
    if not isinstance(question, str) or not 1 <= len(question) <= POLL_QUESTION_LIMIT:
        found.append((["question", "text"], bad_length(1, POLL_QUESTION_LIMIT)))
    answers = poll.get("answers")
    if not isinstance(answers, list) or not 1 <= len(answers) <= POLL_ANSWERS:
        found.append((["answers"], bad_length(1, POLL_ANSWERS)))
        answers = []
    for i, answer in enumerate(answers):
        text = ((answer or {}).get("poll_media") or {}).get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= POLL_ANSWER_LIMIT:
            found.append(
                (["answers", str(i), "poll_media", "text"], bad_length(1, POLL_ANSWER_LIMIT))
            )
    duration = poll.get("duration", 24)
    if duration is not None and (
        not _int(duration) or not POLL_HOURS[0] <= duration <= POLL_HOURS[1]
    ):
        found.append(
            (
                ["duration"],
                error(
                    "NUMBER_TYPE_MAX",
                    f"Must be a whole number of hours from {POLL_HOURS[0]} to {POLL_HOURS[1]}.",
                ),
            )
        )
    multiselect = poll.get("allow_multiselect")
    if multiselect is not None and not isinstance(multiselect, bool):
        found.append((["allow_multiselect"], error("BOOLEAN_TYPE_CONVERT", "Must be a boolean.")))
    return found


def thread_errors(body: dict[str, Any], forum: bool) -> Errors:
    """What Discord says about a thread to start (in a text channel, or a forum post)."""
    errors: Errors = {}
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= THREAD_NAME_LIMIT:
        _put(errors, ["name"], bad_length(1, THREAD_NAME_LIMIT))
    tags = body.get("applied_tags") or []
    if len(tags) > APPLIED_TAGS_LIMIT:
        _put(errors, ["applied_tags"], too_long(APPLIED_TAGS_LIMIT))
    if forum:
        message = body.get("message")
        if not isinstance(message, dict):
            _put(errors, ["message"], error("BASE_TYPE_REQUIRED", "This field is required"))
        else:
            inner = message_errors(message)
            if inner:
                errors.setdefault("message", {}).update(inner)
    elif body.get("type") not in (None, 10, 11, 12):
        _put(errors, ["type"], error("BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}."))
    return errors


# -- application commands ---------------------------------------------------------------


def _scripts_allowed(ch: str) -> bool:
    point = ord(ch)
    devanagari = 0x0900 <= point <= 0x097F or 0xA8E0 <= point <= 0xA8FF
    thai = 0x0E00 <= point <= 0x0E7F
    return devanagari or thai


def valid_name(name: Any) -> bool:
    """Application Command Naming: ^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$ (unicode),
    and the lowercase variant of every letter that has one."""
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_LIMIT:
        return False
    for ch in name:
        allowed = ch in "-_'" or unicodedata.category(ch)[0] in "LN" or _scripts_allowed(ch)
        if not allowed or ch.lower() != ch:
            return False
    return True


def _size(node: dict[str, Any]) -> int:
    """Characters counted towards a command's 8000: names, descriptions, choice values."""
    size = len(_text(node.get("name"))) + len(_text(node.get("description")))
    for choice in node.get("choices") or []:
        size += len(_text(choice.get("name"))) + len(str(choice.get("value", "")))
    return size + sum(_size(o) for o in node.get("options") or [])


def _option_list_errors(errors: Errors, at: list[str], options: list[dict[str, Any]]) -> None:
    if len(options) > OPTIONS_LIMIT:
        _put(errors, at, too_long(OPTIONS_LIMIT))
    names: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        where = [*at, str(i)]
        _named_errors(errors, where, option)
        name = _text(option.get("name"))
        if name in names:
            _put(
                errors,
                [*where, "name"],
                error("APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Option names must be unique"),
            )
        names.add(name)
        kind = option.get("type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _option_list_errors(errors, [*where, "options"], option.get("options") or [])
            continue
        if option.get("required"):
            if optional_seen:
                _put(
                    errors,
                    [*where, "required"],
                    error(
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    ),
                )
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if len(choices) > CHOICES_LIMIT:
            _put(errors, [*where, "choices"], too_long(CHOICES_LIMIT))
        for c, choice in enumerate(choices):
            if not 1 <= len(_text(choice.get("name"))) <= CHOICE_NAME_LIMIT:
                _put(errors, [*where, "choices", str(c), "name"], bad_length(1, CHOICE_NAME_LIMIT))


def _named_errors(errors: Errors, at: list[str], node: dict[str, Any]) -> None:
    if not valid_name(node.get("name")):
        _put(
            errors,
            [*at, "name"],
            error("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"),
        )
    if not 1 <= len(_text(node.get("description"))) <= DESCRIPTION_LIMIT:
        _put(errors, [*at, "description"], bad_length(1, DESCRIPTION_LIMIT))


def command_errors(command: dict[str, Any]) -> Errors:
    """What Discord says about one chat-input command of a bulk overwrite."""
    errors: Errors = {}
    _named_errors(errors, [], command)
    _option_list_errors(errors, ["options"], command.get("options") or [])
    if _size(command) > COMMAND_SIZE_LIMIT:
        _put(
            errors,
            [],
            error(
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_SIZE_LIMIT})",
            ),
        )
    return errors


def commands_errors(commands: list[dict[str, Any]]) -> Errors:
    """A bulk overwrite: each command's errors under its index; duplicated names."""
    errors: Errors = {}
    names: set[str] = set()
    for i, command in enumerate(commands):
        found = command_errors(command)
        if found:
            errors[str(i)] = found
        name = _text(command.get("name"))
        if name in names:
            _put(
                errors,
                [str(i), "name"],
                error(
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                ),
            )
        names.add(name)
    return errors
