"""Writing a tool's files all or nothing: every file is checked first, then written."""

from __future__ import annotations

from pathlib import Path

from bot.content.trivia_import import write_atomic
from bot.yamlfiles.document import Problem, ProblemsError


def fail(name: str, message: str, where: str = "") -> ProblemsError:
    return ProblemsError([Problem(name, None, where, message)])


def write_new(files: dict[Path, str], replace: bool = False) -> None:
    """Write every file, or none: an existing file is refused unless `replace`; a file that
    cannot be written undoes the ones written before it."""
    if not replace:
        taken = [p for p in files if p.exists()]
        if taken:
            shown = ", ".join(str(p) for p in taken[:5])
            more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
            raise fail(shown, f"already exists{more}; remove it first or give another folder")
    written: list[Path] = []
    made: list[Path] = []
    try:
        for path, text in files.items():
            for parent in reversed(path.parents):
                if not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            write_atomic(path, text)
            written.append(path)
    except OSError as exc:
        for path in written if not replace else []:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            if not any(folder.iterdir()):
                folder.rmdir()
        raise fail(str(exc.filename or ""), f"cannot be written ({exc.strerror or exc})") from None
