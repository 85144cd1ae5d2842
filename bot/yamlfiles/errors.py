"""Pydantic's validation errors, said plainly for people who edit YAML by hand.

One message per place: the branches of a union (`answer: Text | bool`) are merged, the
union's internal tags are dropped from the path, a rule checked by a model validator
can name the field it is about (raise `rule_error(message, field)`), and YAML's silent
coercions are shown as they were written, with the quotes to add.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]

RULE = "content_rule"

# Names pydantic gives the branches of a union in an error's location.
_TAGS = {"str", "bool", "int", "float", "none", "list", "dict", "tuple", "set", "bytes"}
_TAG_PREFIXES = ("constrained-", "function-", "lax-", "json-", "literal[", "nullable[")

_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "none_required": "nothing",
}


COLON_TRAP = (
    "YAML reads an unquoted `: ` (a colon and a space) inside text as the start of a "
    "field, so the text breaks there; put the whole text in quotes, like "
    'title: "Chapter 3: The Turn" (a " inside the text is written \\")'
)


def colon_trap(problem: str | None) -> str | None:
    """The explanation for YAML's syntax error when the cause is an unquoted `: ` in text."""
    if problem and "mapping values are not allowed" in problem:
        return COLON_TRAP
    return None


def rule_error(message: str, field: str | None = None) -> PydanticCustomError:
    """An error for a model validator to raise; `field` names the field it is about, so
    that the problem points at that field's line."""
    ctx: dict[str, Any] = {"message": message}
    if field:
        ctx["field"] = field
    return PydanticCustomError(RULE, "{message}", ctx)


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _looks_like_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part in _TAGS or "[" in part or part.startswith(_TAG_PREFIXES)
    )


def child_of(data: Any, part: str | int) -> tuple[bool, Any]:
    """(True, the value under `part`) when `data` has it, else (False, None)."""
    if isinstance(data, dict) and part in data:
        return True, data[part]
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return True, data[part]
    return False, None


def _clean_loc(loc: Loc, data: Any, missing: bool) -> Loc:
    """The error's place without the names pydantic gives a union's branches. A part is a
    real key when the data has it (a field name may look like anything)."""
    out: list[str | int] = []
    current = data
    for n, part in enumerate(loc):
        found, child = child_of(current, part)
        if found:
            current = child
        elif (missing and n == len(loc) - 1) or not _looks_like_tag(part):
            current = None
        else:
            continue
        out.append(part)
    return tuple(out)


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()}"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    return type(value).__name__


def _coercion_hint(value: Any, written: str | None) -> str:
    """What to do when YAML read an unquoted value as something other than text."""
    if value is None or isinstance(value, dict | list | str):
        return ""
    if written is None:
        return " (put the text in quotes)"
    if isinstance(value, bool):
        kind = "true/false"
    elif isinstance(value, int | float):
        kind = "a number"
    elif isinstance(value, dt.date):
        kind = "a date"
    else:
        kind = type(value).__name__
    quoted = '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f": YAML reads unquoted {written} as {kind}; write it in quotes: {quoted}"


def _fields_at(model: type[BaseModel] | None, loc: Loc) -> list[str]:
    """The field names of the model found at `loc`, or [] when it cannot be told."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return []
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _message(
    error: ErrorDetails, written: str | None, model: type[BaseModel] | None, loc: Loc
) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == RULE:
        return str(ctx.get("message", error["msg"]))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        if not allowed:
            return "unknown field"
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown field{guess}; the fields here are: {', '.join(allowed)}"
    if kind == "string_type":
        if value is None:
            return "expected text, got nothing (an empty value)"
        if isinstance(value, dict) and len(value) == 1:
            key = next(iter(value))
            return f"expected text, got a field {key!r} with a value: {COLON_TRAP}"
        return f"expected text, got {describe(value)}{_coercion_hint(value, written)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        hint = " (write it without quotes)" if isinstance(value, str) else ""
        return f"expected a whole number, got {describe(value)}{hint}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {describe(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == r"^[a-z0-9][a-z0-9-]*$":
            return (
                "an id is lowercase letters, digits and hyphens (like 'serge-chiang-1'), "
                f"got {describe(value)}"
            )
        return f"does not have the expected form, got {describe(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {describe(value)}"
    if kind == "greater_than":
        return f"must be more than {ctx.get('gt')}, got {describe(value)}"
    if kind == "finite_number":
        return f"must be a finite number (not NaN or infinity), got {describe(value)}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {describe(value)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}, got {describe(value)}"
    if kind in ("value_error", "assertion_error"):
        return (
            str(error.get("msg", ""))
            .removeprefix("Value error, ")
            .removeprefix("Assertion failed, ")
        )
    return f"{error['msg']} (got {describe(value)})"


def _merge_union(
    errors: Sequence[ErrorDetails], written: str | None, model: type[BaseModel] | None, loc: Loc
) -> str:
    """One message for the failed branches of a union at one place."""
    for error in errors:
        # The value had a branch's type but broke one of its rules: say that rule.
        if error["type"] not in _EXPECTED and error["type"] not in ("int_parsing",):
            return _message(error, written, model, loc)
    value = errors[0].get("input")
    expected: list[str] = []
    for error in errors:
        name = _EXPECTED.get(error["type"], "")
        if name and name not in expected:
            expected.append(name)
    said = " or ".join("true/false" if e == "true or false" else e for e in expected)
    hint = _coercion_hint(value, written) if "text" in expected else ""
    return f"expected {said}, got {describe(value)}{hint}"


def problems_from_errors(
    errors: Iterable[ErrorDetails],
    written_at: Callable[[Loc], str | None],
    model: type[BaseModel] | None = None,
    data: Any = None,
) -> list[tuple[Loc, str]]:
    """(place, message) for pydantic's errors: one per place, in order."""
    grouped: dict[Loc, list[ErrorDetails]] = {}
    union: set[Loc] = set()
    for error in errors:
        loc = tuple(error["loc"])
        clean = _clean_loc(loc, data, error["type"] == "missing")
        if clean != loc:
            union.add(clean)
        if error["type"] == RULE:
            field = (error.get("ctx") or {}).get("field")
            if field:
                clean = (*clean, field)
        grouped.setdefault(clean, []).append(error)
    out: list[tuple[Loc, str]] = []
    for loc, group in grouped.items():
        written = written_at(loc)
        if loc in union and len(group) > 1:
            out.append((loc, _merge_union(group, written, model, loc)))
        else:
            out.extend((loc, _message(e, written, model, loc)) for e in group)
    return out
