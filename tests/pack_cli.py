"""Running `python -m bot ...` in-process for the pack tools' tests, and the shipped book."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import main
from tests.harness import ROOT

SHIPPED = ROOT / "content" / "united-opposition"
SHIPPED_CHAPTER = SHIPPED / "chapters" / "15.yaml"
SHIPPED_TEXT = SHIPPED / "texts" / "united-opposition-1926-27.txt"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Ran:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    seen = capsys.readouterr()
    return Ran(code, seen.out, seen.err)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a digest of its bytes: to prove nothing was written."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_shipped(tmp_path: Path) -> Path:
    """A scratch copy of the shipped book folder; returns its folder."""
    target = tmp_path / "content" / "united-opposition"
    shutil.copytree(SHIPPED, target)
    return target


def replace_in_chapter(folder: Path, old: str, new: str) -> Path:
    """Replace text in the scratch copy's chapter 15 file; returns the file."""
    path = folder / "chapters" / "15.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def edit_chapter(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load a chapter file as plain data, change it, and write it back as YAML."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
