"""`python -m bot run` (Discord adapter) and `python -m bot discord sync`, as real processes
against the loopback fake: a refused token, an unreachable gateway or API, a refused sync
each end in one clear error line on stderr, no traceback, exit code 2."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from tests.discord_fake.launch import launch
from tests.discord_fake.server import FakeDiscord

TOKEN = "secret-token-never-shown"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def bot(
    fake: FakeDiscord, tmp_path: Path, *args: str, api: str = "", gateway: str = ""
) -> tuple[int, str]:
    """Run `python -m bot ARGS` pointed at the fake; its exit code and standard error."""
    config = tmp_path / "config.yaml"
    config.write_text(
        f"adapters: [discord]\ndatabase: {tmp_path / 'db.sqlite3'}\n"
        "discord:\n  guild_ready_timeout: 0.2\n"
    )
    proc = await launch(
        api or f"{fake.base}/api/v10",
        gateway or fake.gateway_url,
        *args,
        "--config",
        str(config),
        env={"DISCORD_TOKEN": TOKEN},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError("the process did not stop by itself") from None
    assert proc.returncode is not None
    return proc.returncode, err.decode()


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    assert TOKEN not in stderr
    return [line for line in stderr.splitlines() if "ERROR" in line or line.startswith("error:")]


async def test_run_with_a_refused_token_exits_2(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    fake_discord.fail("GET", r"/users/@me", 401)
    code, stderr = await bot(fake_discord, tmp_path, "run")
    (line,) = error_lines(stderr)
    assert code == 2
    assert "discord: Discord refused the bot token (from DISCORD_TOKEN)" in line
    assert not fake_discord.identifies


async def test_run_with_an_unreachable_gateway_exits_2(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    gateway = f"ws://127.0.0.1:{closed_port()}/gateway"
    code, stderr = await bot(fake_discord, tmp_path, "run", gateway=gateway)
    (line,) = error_lines(stderr)
    assert code == 2
    assert f"discord: could not connect to Discord's gateway at {gateway}" in line


async def test_run_with_a_refused_sync_exits_2(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    fake_discord.fail("PUT", r"/applications/\d+/commands", 403)
    code, stderr = await bot(fake_discord, tmp_path, "run")
    (line,) = error_lines(stderr)
    assert code == 2
    assert (
        "Discord refused the slash commands (global): 403 (code 50013): Missing Permissions" in line
    )
    assert not fake_discord.identifies


async def test_run_with_an_unreachable_api_exits_2(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    code, stderr = await bot(
        fake_discord, tmp_path, "run", api=f"http://127.0.0.1:{closed_port()}/api/v10"
    )
    (line,) = error_lines(stderr)
    assert code == 2 and "could not reach Discord's API" in line


async def test_sync_with_a_refused_token_exits_2(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    fake_discord.fail("GET", r"/users/@me", 401)
    code, stderr = await bot(fake_discord, tmp_path, "discord", "sync")
    assert error_lines(stderr) == [
        "error: discord: Discord refused the bot token (from DISCORD_TOKEN)."
    ]
    assert code == 2


async def test_sync_refused_by_discord_exits_2(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    fake_discord.fail("PUT", r"/applications/\d+/guilds/1000/commands", 403)
    code, stderr = await bot(fake_discord, tmp_path, "discord", "sync", "--guild", "1000")
    assert error_lines(stderr) == [
        "error: discord: Discord refused the slash commands (guild:1000): 403 (code 50013):"
        " Missing Permissions"
    ]
    assert code == 2


async def test_sync_with_an_unreachable_api_exits_2(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    api = f"http://127.0.0.1:{closed_port()}/api/v10"
    code, stderr = await bot(fake_discord, tmp_path, "discord", "sync", api=api)
    (line,) = error_lines(stderr)
    assert code == 2 and line.startswith("error: discord: could not reach Discord's API")
