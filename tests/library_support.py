"""A library of two books for the tests of issue 10: the shipped united-opposition and the
small bakers-cooperative written for the tests (tests/library_content)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.databases import database_for
from tests.harness import ROOT, SHIPPED_CONTENT

LIBRARY_CONTENT = ROOT / "tests" / "library_content"
OPPOSITION = "united-opposition"
BAKERS = "bakers-cooperative"
MOD = {"user": "mod", "moderator": True}


def make_library(folder: Path, *, copy: tuple[str, ...] = ()) -> Path:
    """A library folder holding both books: linked, or copied for the ids in `copy` (a test
    that edits or breaks a book edits its copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    for book, source in ((OPPOSITION, SHIPPED_CONTENT), (BAKERS, LIBRARY_CONTENT)):
        if book in copy:
            shutil.copytree(source / book, folder / book)
        else:
            (folder / book).symlink_to(source / book, target_is_directory=True)
    return folder


def console(group: str, tmp_path: Path) -> dict[str, str]:
    """The console section for a console standing in the group `group`."""
    return {"group": group, "output_dir": str(tmp_path / f"console-{group}")}


def write_config(path: Path, database: Path, library: Path, group: str, **keys: str) -> Path:
    """A config file for a console process standing in `group`."""
    lines = [
        f"database: {database_for(database)}",
        f"content: {library}",
        "seed: 7",
        "log_level: WARNING",
        *(f"{key}: {value}" for key, value in keys.items()),
        "console:",
        f"  group: {group}",
        f"  output_dir: {path.parent / ('console-' + group)}",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path
