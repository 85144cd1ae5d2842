"""Reading YAML that people write by hand, and saying clearly what is wrong with it.

YAML is a trap for text (`3:16` loads as 196, `yes` as True, `1.10` as 1.1, `012` as
10), so values keep their YAML types and the schemas refuse, never coerce. Every node's
line is remembered so that a problem can name the place. Anchors and aliases are refused:
content has no use for them and they make alias bombs possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

MAX_BYTES = 2 * 1024 * 1024

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.message}"


class ProblemsError(Exception):
    """One or more problems with a file; `str()` lists them one a line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: the plain value and the line of every node by its path."""

    file: str
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int | None:
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_yaml(path: Path, label: str | None = None) -> Document:
    """Read and parse one YAML file, or raise ProblemsError with one clear message."""
    name = label or str(path)

    def fail(message: str, line: int | None = None) -> ProblemsError:
        return ProblemsError([Problem(name, line, "", message)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("file not found") from None
    except IsADirectoryError:
        raise fail("expected a file, found a folder") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"file is too large ({len(raw)} bytes; at most {MAX_BYTES})")
    if b"\x00" in raw:
        raise fail("this is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"not valid UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Document:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise ProblemsError(
                    [Problem(name, line, "", "YAML anchors and aliases (& and *) are not allowed")]
                )
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        raise ProblemsError([Problem(name, line, "", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(name, None, "", f"YAML syntax error: {exc}")]) from None
    if node is None:
        raise ProblemsError([Problem(name, None, "", "file is empty")])
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    data = _build(node, (), lines, problems, name)
    if problems:
        raise ProblemsError(problems)
    return Document(name, data, lines)


_constructor = yaml.SafeLoader("")


def _build(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], name: str
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                problems.append(
                    Problem(
                        name,
                        key_node.start_mark.line + 1,
                        format_loc(loc),
                        f"keys must be text, got {key!r}",
                    )
                )
                continue
            if key in out:
                problems.append(
                    Problem(
                        name,
                        key_node.start_mark.line + 1,
                        format_loc(loc),
                        f"key {key!r} appears twice",
                    )
                )
                continue
            out[key] = _build(value_node, (*loc, key), lines, problems, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines, problems, name) for i, item in enumerate(node.value)]
    return _constructor.construct_object(node, deep=True)


def _describe_input(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
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


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_type":
        hint = ""
        if isinstance(value, bool | int | float):
            hint = " (YAML read it as a number or yes/no: put the text in quotes)"
        return f"expected text, got {_describe_input(value)}{hint}"
    if kind in ("int_type", "int_parsing"):
        return f"expected a whole number, got {_describe_input(value)}"
    if kind == "bool_type":
        return f"expected true or false, got {_describe_input(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_describe_input(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_describe_input(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, got {_describe_input(value)}"
    if kind == "value_error":
        msg = str(error.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return f"{error['msg']} (got {_describe_input(value)})"


def problems_from_validation(
    exc: ValidationError, doc: Document, prefix: Loc = ()
) -> list[Problem]:
    """Turn pydantic's errors into Problems with the file, line and field path."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        full = (*prefix, *loc)
        line = doc.line_of(full)
        problems.append(Problem(doc.file, line, format_loc(full), _message(error)))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.where, p.message))
