"""A library of two books for the tests of issue 10: the shipped united-opposition and the
small bakers-cooperative written for the tests (tests/library_content)."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

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
        f"database: {database}",
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


# TODO(issue 10): use the lead's generic tests/console_process.py once it is on main; this
# is the least the books tests need meanwhile.
END = "/zz-end-of-reply"


class ConsoleProcess:
    """`python -m bot run` on the console as a real subprocess, driven line by line: each
    line is followed by an unknown command whose known answer marks the end of the reply."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, config: Path, user: str, moderator: bool = False) -> ConsoleProcess:
        args = ["-m", "bot", "run", "--config", str(config), "--user", user]
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            *(["--moderator"] if moderator else []),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        return cls(proc)

    async def say(self, line: str, timeout: float = 60) -> str:
        """What the console shows for `line` ('' when it shows nothing)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{line}\n{END}\n".encode())
        await self.proc.stdin.drain()
        marker = f"Unknown command '{END}'".encode()
        try:
            data = await asyncio.wait_for(self.proc.stdout.readuntil(marker), timeout)
            await asyncio.wait_for(self.proc.stdout.readuntil(b"\n\n"), timeout)
        except asyncio.IncompleteReadError as exc:
            assert self.proc.stderr is not None
            err = (await self.proc.stderr.read()).decode()
            raise AssertionError(
                f"the console ended after {exc.partial.decode()!r}; its stderr:\n{err}"
            ) from None
        shown = data[: -len(marker)].decode()
        return shown.rsplit("\n\n", 1)[0] if "\n\n" in shown else ""

    async def stop(self, timeout: float = 60) -> tuple[int, str]:
        """Close its input (end of input ends the console); its exit code and stderr."""
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), timeout)
        err = (await self.proc.stderr.read()).decode()
        return self.proc.returncode or 0, err

    def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
