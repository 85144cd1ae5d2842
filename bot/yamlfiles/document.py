"""Reading YAML that people write by hand, and saying clearly what is wrong with it.

YAML is a trap for text (`3:16` loads as 196, `yes` as True, `1.10` as 1.1, `012` as
10), so values keep their YAML types and the schemas refuse, never coerce. Every node's
line is remembered so that a problem can name the place, and so is the way an unquoted
value was written, so that the message can show it in quotes. Anchors and aliases are
refused: content has no use for them and they make alias bombs possible.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.yamlfiles.errors import Loc, child_of, colon_trap, format_loc, problems_from_errors

__all__ = [
    "MAX_BYTES",
    "Document",
    "Loc",
    "Problem",
    "ProblemsError",
    "format_loc",
    "parse_yaml",
    "problems_from_error_list",
    "problems_from_validation",
    "read_text",
    "read_yaml",
]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
# libyaml's parser when PyYAML was built with it (several times faster), else PyYAML's own.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line or 0, self.where, self.message)


class ProblemsError(Exception):
    """One or more problems with a file; `str()` lists them one a line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: the plain value, the line of every node by its path, and how
    each unquoted scalar that YAML did not read as text was written."""

    file: str
    data: Any
    lines: dict[Loc, int]
    written: dict[Loc, str] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def read_text(
    path: Path, name: str | None = None, what: str = "text", *, regular: bool = True
) -> str:
    """A small UTF-8 text file's content, or ProblemsError with one clear message.

    Content must be a regular file (`regular`): a named pipe or a device would block the
    reader or never end. A file named explicitly (a config given as `<(...)`) may be a pipe.
    """
    name = name or str(path)

    def fail(message: str) -> ProblemsError:
        return ProblemsError([Problem(name, None, "", message)])

    try:
        if not path.exists():
            raise fail("file not found")
        if path.is_dir():
            raise fail("expected a file, found a folder")
        if regular:
            raw = _read_regular(path, fail)
        else:
            with path.open("rb") as stream:  # a pipe is read too, up to the limit
                raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    except ValueError:
        raise fail("not a usable file name") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"file is too large (more than {MAX_BYTES} bytes)")
    if b"\x00" in raw:
        raise fail(f"this is a binary file, not {what}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    "",
                    f"not valid UTF-8 text (bad byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
                )
            ]
        ) from None


def _read_regular(path: Path, fail: Callable[[str], ProblemsError]) -> bytes:
    """Up to MAX_BYTES + 1 bytes of a regular file. Opened without blocking and checked on
    the open file, so a FIFO swapped in after a check cannot hang the reader."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise fail("not a regular file (a pipe, socket or device); content must be files")
        return stream.read(MAX_BYTES + 1)


def read_yaml(path: Path, label: str | None = None, *, regular: bool = True) -> Document:
    """Read and parse one YAML file, or raise ProblemsError with one clear message.
    `regular=False` also reads a pipe (see read_text)."""
    name = label or str(path)
    return parse_yaml(read_text(path, name, "YAML text", regular=regular), name)


def parse_yaml(text: str, name: str) -> Document:
    def fail(message: str, line: int | None = None) -> ProblemsError:
        return ProblemsError([Problem(name, line, "", message)])

    try:
        node = _compose(text, fail)
    except yaml.MarkedYAMLError as exc:
        raise ProblemsError([_syntax_problem(exc, name)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise fail(f"the character U+{ord(char):04X} is not allowed in YAML text", line) from None
    except yaml.YAMLError as exc:
        raise fail(f"YAML syntax error: {exc}") from None
    if node is None:
        raise fail("file is empty")
    doc = Document(name, None, {}, {})
    problems: list[Problem] = []
    data = _Builder(doc, problems).build(node, ())
    if problems:
        raise ProblemsError(problems)
    return Document(name, data, doc.lines, doc.written)


def _compose(text: str, fail: Callable[[str, int | None], ProblemsError]) -> yaml.Node | None:
    """The node tree of the text, read once (libyaml's parser). Anchors are refused as
    they are met, and so is nesting deeper than MAX_DEPTH, before the tree is built."""
    loader = _LOADER(text)
    try:
        depth = 0
        if not loader.check_event(yaml.StreamStartEvent):
            raise fail("YAML syntax error: no stream", None)
        loader.get_event()
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # the document's start
        stack: list[tuple[yaml.Node, Any]] = []  # open collections and a pending key
        root: yaml.Node | None = None
        while True:
            event: Any = loader.get_event()
            # libyaml's marks (PyYAML's stubs know only its own Mark class).
            start: Any = event.start_mark
            end: Any = event.end_mark
            line = start.line + 1 if start else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise fail("YAML anchors and aliases (& and *) are not allowed", line)
            node: yaml.Node | None = None
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise fail(f"nested more than {MAX_DEPTH} levels deep", line)
                kind = (
                    yaml.SequenceNode
                    if isinstance(event, yaml.SequenceStartEvent)
                    else yaml.MappingNode
                )
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                stack.append((kind(tag, [], start, None), None))
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                node = stack.pop()[0]
                node.end_mark = end
            elif isinstance(event, yaml.DocumentEndEvent):
                if not loader.check_event(yaml.StreamEndEvent):
                    ahead = loader.peek_event()
                    mark = ahead.start_mark
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        root.start_mark if root is not None else None,
                        "but found another document",
                        mark,
                    )
                return root
            if node is None:
                continue
            if not stack:
                root = node
                continue
            parent, key = stack[-1]
            if isinstance(parent, yaml.SequenceNode):
                parent.value.append(node)
            elif key is None:
                stack[-1] = (parent, node)
            else:
                parent.value.append((key, node))
                stack[-1] = (parent, None)
    finally:
        loader.dispose()


class _Builder:
    """Turns the node tree into plain values with one constructor for the whole file
    (not a new loader per scalar): its memory of built nodes is dropped after each one."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.SafeLoader("")

    def scalar(self, node: yaml.Node, loc: Loc) -> Any:
        return _scalar(node, loc, self.doc, self.problems, self.constructor)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        return _build(node, loc, self.doc, self.problems, self)


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        where = exc.context
        if exc.context_mark and exc.context_mark.line + 1 != line:
            where += f" that starts at line {exc.context_mark.line + 1}"
        what = f"{exc.problem} ({where})"
    hint = "; check the quotes, colons and indentation on this line and the lines above"
    trap = colon_trap(exc.problem)
    if trap:
        return Problem(name, line, "", f"YAML syntax error: {trap}")
    return Problem(name, line, "", f"YAML syntax error: {what}{hint}")


def _scalar(
    node: yaml.Node,
    loc: Loc,
    doc: Document,
    problems: list[Problem],
    constructor: yaml.SafeLoader,
) -> Any:
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(
            Problem(doc.file, node.start_mark.line + 1, format_loc(loc), f"YAML: {problem}")
        )
        return None
    except Exception:  # PyYAML's constructors raise plain errors for values like `!!int x`
        problems.append(
            Problem(
                doc.file,
                node.start_mark.line + 1,
                format_loc(loc),
                f"YAML cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]}",
            )
        )
        return None
    finally:
        # What the constructor remembers of the nodes it built: nothing is shared.
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
    if isinstance(node, yaml.ScalarNode) and not isinstance(value, str) and not node.style:
        doc.written[loc] = node.value
    return value


def _build(node: yaml.Node, loc: Loc, doc: Document, problems: list[Problem], via: _Builder) -> Any:
    doc.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = via.scalar(key_node, loc) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                shown = getattr(key_node, "value", "")
                shown = shown if isinstance(shown, str) else "a list or mapping"
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        format_loc(loc),
                        f"keys must be text, got {shown} (put it in quotes)",
                    )
                )
                continue
            if key in out:
                problems.append(
                    Problem(doc.file, line, format_loc(loc), f"key {key!r} appears twice")
                )
                continue
            out[key] = via.build(value_node, (*loc, key))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [via.build(item, (*loc, i)) for i, item in enumerate(node.value)]
    return via.scalar(node, loc)


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        found, data = child_of(data, part)
        if not found:
            return None
    return data


def problems_from_validation(
    exc: ValidationError,
    doc: Document,
    prefix: Loc = (),
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Turn pydantic's errors into Problems with the file, line and field path: one per
    place, the branches of a union merged into one message."""
    return problems_from_error_list(exc.errors(), doc, prefix, model)


def problems_from_error_list(
    errors: Sequence[ErrorDetails],
    doc: Document,
    prefix: Loc = (),
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """problems_from_validation for a chosen list of pydantic's errors."""
    problems = []
    for loc, message in problems_from_errors(
        errors, lambda loc: doc.written.get((*prefix, *loc)), model, _at(doc.data, prefix)
    ):
        full = (*prefix, *loc)
        problems.append(Problem(doc.file, doc.line_of(full), format_loc(full), message))
    return sorted(set(problems), key=lambda p: p.sort_key)
