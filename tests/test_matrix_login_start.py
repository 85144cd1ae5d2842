"""`python -m bot run` with the Matrix adapter before any homeserver answers: Ctrl-C while
it connects stops it cleanly, and the store_dir folders it is given keep their modes (an
existing one untouched, a missing one created private)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.harness import ROOT
from tests.matrix.cli import matrix_env, write_matrix_config

CONNECT_TIMEOUT = 60.0


@contextmanager
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """A loopback port that accepts connections and never answers; the event is set at
    the first connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    connected = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # the server socket was closed
            held.append(conn)
            connected.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1]), connected
    finally:
        server.close()
        for conn in held:
            conn.close()
        thread.join(timeout=10)


def run_until_connecting_then_ctrl_c(
    tmp_path: Path, store: Path
) -> subprocess.CompletedProcess[str]:
    with silent_server() as (port, connected):
        url = f"http://127.0.0.1:{port}"
        config = write_matrix_config(tmp_path / "config.yaml", url, "@kruzhok:kruzhok.test", store)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=ROOT,
            env=matrix_env(MATRIX_PASSWORD="a password"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert connected.wait(CONNECT_TIMEOUT), "the bot never connected"
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_while_matrix_connects_stops_cleanly_and_leaves_an_existing_store_dir_alone(
    tmp_path: Path,
) -> None:
    store = tmp_path / "shared"
    store.mkdir()
    os.chmod(store, 0o755)
    done = run_until_connecting_then_ctrl_c(tmp_path, store)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "never retrieved" not in done.stderr, done.stderr
    assert stat.S_IMODE(store.stat().st_mode) == 0o755


def test_a_missing_store_dir_is_created_private_and_only_it(tmp_path: Path) -> None:
    parent = tmp_path / "var"
    store = parent / "matrix-store"
    done = run_until_connecting_then_ctrl_c(tmp_path, store)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(parent.stat().st_mode) == 0o777 & ~umask  # an ordinary folder
