"""`python -m bot run` with the Matrix adapter, as an operator starts it: the password from
the environment, answers in a room, a clean stop on SIGTERM, and no secret in the log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.harness import ROOT, SHIPPED_CONTENT
from tests.matrix.cli import matrix_env, run_to_the_end, write_matrix_config
from tests.matrix.fixtures import PASSWORD, World


async def test_the_command_line_runs_the_matrix_bot_and_never_logs_the_password(
    world: World, tmp_path: Path
) -> None:
    bot_user = world.bot_account()
    alice = await world.member("alice")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {tmp_path / 'k.sqlite3'}\n"
        f"content: {SHIPPED_CONTENT}\n"
        "adapters: [matrix]\n"
        "log_level: DEBUG\n"
        "matrix:\n"
        f"  homeserver: {world.hs.url}\n"
        f"  user_id: '{bot_user}'\n"
        f"  store_dir: {tmp_path / 'store'}\n"
        f"  allowed_inviters: ['{alice.user_id}']\n"
        "  sync_timeout: 2\n"
    )
    env = {**os.environ, "MATRIX_PASSWORD": PASSWORD}
    env.pop("MATRIX_ACCESS_TOKEN", None)
    log = tmp_path / "bot.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=err,
            stderr=err,
        )
    try:
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user, timeout=60)
        await alice.say(room, "!glossary")
        await alice.notice(room, "", sender=bot_user)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert PASSWORD not in text and "syt_" not in text  # no password, no access token
    assert "Traceback" not in text


async def test_a_refused_login_stops_the_bot_with_exit_code_2(world: World, tmp_path: Path) -> None:
    """A wrong MATRIX_PASSWORD: the homeserver refuses, the bot says so and exits 2."""
    bot_user = world.bot_account()
    config = write_matrix_config(
        tmp_path / "config.yaml", world.hs.url, bot_user, tmp_path / "store"
    )
    done = run_to_the_end(config, matrix_env(MATRIX_PASSWORD="not the password"), timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"the homeserver refused the login of {bot_user}" in done.stderr
    assert "not the password" not in done.stderr and "Traceback" not in done.stderr
