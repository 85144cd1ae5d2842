"""`python -m bot run` with only the Matrix adapter, as the Matrix command-line tests start
it: a config file and a run that ends on its own (a refusal) within a time limit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.harness import ROOT, SHIPPED_CONTENT


def write_matrix_config(path: Path, homeserver: str, user: str, store: Path) -> Path:
    path.write_text(
        f"database: {path.parent / (path.stem + '.sqlite3')}\n"
        f"content: {SHIPPED_CONTENT}\n"
        "adapters: [matrix]\n"
        "matrix:\n"
        f"  homeserver: {homeserver}\n"
        f"  user_id: '{user}'\n"
        f"  store_dir: {store}\n"
    )
    return path


def matrix_env(**secrets: str) -> dict[str, str]:
    """The test's environment without any MATRIX_ variable, plus `secrets`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIX_")}
    return {**env, **secrets}


def run_to_the_end(
    config: Path, env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
