"""The Matrix adapter's private files in `store_dir`: the folder is made private only when
the bot creates it (a folder the operator made keeps its mode), and every file the bot
writes there with a secret in it is readable by its owner alone (0600)."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def prepare_store_dir(store_dir: Path) -> None:
    """Create `store_dir` (0700) when it is missing; leave the mode of an existing folder
    alone, and say so once when others can read it (the bot's own files there are 0600)."""
    if not store_dir.exists():
        store_dir.parent.mkdir(parents=True, exist_ok=True)
        store_dir.mkdir(mode=PRIVATE_DIR)
        os.chmod(store_dir, PRIVATE_DIR)  # mkdir's mode is cut by the umask; this is ours
        return
    mode = stat.S_IMODE(store_dir.stat().st_mode)
    if mode & 0o077:
        log.warning(
            "matrix: store_dir %s is open to other users (mode %o); the bot leaves its mode "
            "alone and keeps its own files there private (0600)",
            store_dir,
            mode,
        )


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to `path` as one atomic replace, the file 0600 from its first byte."""
    tmp = path.with_name(path.name + ".tmp")
    with_flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, with_flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)  # a leftover .tmp of another mode is made private too
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            fd = -1
            json.dump(data, out, indent=1, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
    finally:
        if fd != -1:
            os.close(fd)
    os.replace(tmp, path)


def read_private_json(path: Path) -> dict[str, Any] | None:
    """The JSON object kept at `path`, or None when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("matrix: ignoring %s, which cannot be read (%s)", path, exc)
        return None
    return data if isinstance(data, dict) else None


def make_private(path: Path) -> None:
    """Narrow a file the bot made (e.g. the encryption store) to its owner."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
            os.chmod(path, PRIVATE_FILE)
    except FileNotFoundError:
        return
