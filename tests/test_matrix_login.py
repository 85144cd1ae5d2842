"""One login for the Matrix bot, against a real Synapse: the access token and device kept
in store_dir serve every start (the password is not even read); a deleted device stops a
start without the password (exit 2, one clear line) and costs one new login with it, at
start or while the bot runs; an existing store_dir keeps its mode."""

from __future__ import annotations

import asyncio
import json
import os
import random
import stat
import sys
from pathlib import Path

from bot.adapters.matrix.login import Credentials
from tests.harness import ROOT
from tests.matrix.admin import Admin, whoami
from tests.matrix.cli import matrix_env, run_to_the_end, write_matrix_config
from tests.matrix.fixtures import PASSWORD, World


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def admin_of(world: World) -> Admin:
    return Admin.register(world.hs, f"admin{world.tag}x{random.randrange(10**6)}")


def bot_without_devices(world: World, admin: Admin) -> str:
    """A bot account with no device (registration through the admin API leaves one)."""
    bot = world.bot_account()
    for device in admin.devices(bot):
        admin.delete_device(bot, device)
    return bot


def kept(store: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((store / "session.json").read_text())
    return data


async def test_one_access_token_serves_three_starts_and_the_operators_folder_keeps_its_mode(
    world: World,
) -> None:
    """Start 1 logs in with the password; start 2 has no password, start 3 a wrong one:
    neither logs in, so neither notices. The server has one device all along, and the
    store_dir the operator made (mode 0750) is not chmod'ed; the bot's files in it are 0600."""
    admin = admin_of(world)
    bot = bot_without_devices(world, admin)
    data = world.tmp_path / "bot"
    store = data / "store"
    store.mkdir(parents=True)
    os.chmod(store, 0o750)
    sessions = []
    for creds in (
        Credentials(password=PASSWORD),
        Credentials(),
        Credentials(password="not the password"),
    ):
        async with world.bot(bot, data=data, credentials=creds) as running:
            session = kept(store)
            assert running.adapter.client.device_id == session["device_id"]
            assert admin.devices(bot) == [session["device_id"]]
        sessions.append(session)
    assert sessions[0] == sessions[1] == sessions[2]
    assert whoami(world.hs, sessions[0]["access_token"])["device_id"] == sessions[0]["device_id"]
    assert mode(store) == 0o750
    assert mode(store / "session.json") == 0o600
    assert mode(store / "cross_signing.json") == 0o600
    databases = [p for p in store.iterdir() if p.suffix == ".db"]
    assert databases and all(mode(p) == 0o600 for p in databases)


async def test_a_deleted_device_stops_a_start_without_password_and_costs_one_login_with_it(
    world: World,
) -> None:
    admin = admin_of(world)
    bot = bot_without_devices(world, admin)
    data = world.tmp_path / "bot"
    store = data / "store"
    async with world.bot(bot, data=data):
        first = kept(store)
    admin.delete_device(bot, first["device_id"])
    assert admin.devices(bot) == []

    config = write_matrix_config(world.tmp_path / "config.yaml", world.hs.url, bot, store)
    done = run_to_the_end(config, matrix_env())
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if "refused the kept access token" in line]
    assert len(lines) == 1, done.stderr
    assert "M_UNKNOWN_TOKEN" in lines[0] and "set MATRIX_PASSWORD for one new login" in lines[0]
    assert "Traceback" not in done.stderr
    assert admin.devices(bot) == []  # nothing was tried but the kept token

    async with world.bot(bot, data=data) as running:
        second = kept(store)
        assert second["device_id"] != first["device_id"]
        assert running.adapter.client.device_id == second["device_id"]
        assert admin.devices(bot) == [second["device_id"]]
        # the new device is cross-signed with the kept self-signing key
        keys = admin.keys_of(bot)
        (self_signing,) = keys["self_signing_keys"][bot]["keys"]
        device = keys["device_keys"][bot][second["device_id"]]
        assert self_signing in device["signatures"][bot]
    async with world.bot(bot, data=data, credentials=Credentials()):
        assert kept(store) == second  # and that login serves the next start


async def test_a_device_deleted_while_the_bot_runs_costs_one_new_login_and_it_answers_on(
    world: World,
) -> None:
    admin = admin_of(world)
    bot = bot_without_devices(world, admin)
    alice = await world.member("alice")
    data = world.tmp_path / "bot"
    async with world.bot(bot, data=data) as running:
        room = await alice.create_room(invite=[bot])
        await alice.joined(room, bot, timeout=60)
        first = running.adapter.client.device_id
        admin.delete_device(bot, first)
        await alice.say(room, "!glossary")
        await alice.notice(room, "", sender=bot)
        second = kept(data / "store")["device_id"]
        assert second != first and admin.devices(bot) == [second]
        assert not running.task.done()


async def test_a_device_deleted_while_the_bot_runs_without_password_stops_it_with_exit_code_2(
    world: World,
) -> None:
    """`python -m bot run` on a kept login, no password: the device deleted while it runs
    ends it with one clear line and exit code 2, not a retry loop."""
    admin = admin_of(world)
    bot = bot_without_devices(world, admin)
    data = world.tmp_path / "bot"
    store = data / "store"
    async with world.bot(bot, data=data):
        device_id = kept(store)["device_id"]
    config = write_matrix_config(world.tmp_path / "config.yaml", world.hs.url, bot, store)
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run", "--config", str(config)),
        cwd=ROOT,
        env=matrix_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    log = ""
    try:
        while "matrix: logged in as" not in log:
            line = await asyncio.wait_for(proc.stderr.readline(), 60)
            assert line, log
            log += line.decode()
        admin.delete_device(bot, device_id)
        log += (await asyncio.wait_for(proc.stderr.read(), 60)).decode()
        code = await asyncio.wait_for(proc.wait(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 2, log
    lines = [line for line in log.splitlines() if "refused the kept access token" in line]
    assert len(lines) == 1 and "set MATRIX_PASSWORD for one new login" in lines[0], log
    assert "Traceback" not in log
    assert admin.devices(bot) == []
