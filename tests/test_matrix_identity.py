"""Cross-signing of the bot's account against a real Synapse: what any member sees in
/keys/query, every signature checked with vodozemac's Ed25519 (not the bot's signer) over
JSON canonicalised here; the master key kept across restarts; keys the server holds but
the bot lost replaced only with the password (user-interactive auth)."""

from __future__ import annotations

import json
import logging
import os
import random
import stat
from pathlib import Path
from typing import Any

import pytest
import vodozemac

from bot.adapters.matrix.login import Credentials
from bot.adapters.matrix.signing import SigningKey
from tests.matrix.admin import Admin, keys_query
from tests.matrix.fixtures import World

# The Matrix specification's signing test vectors (appendices, "Signing JSON").
SPEC_SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
SPEC_SIGNATURES = {
    "{}": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
    '{"one": 1, "two": "Two"}': (
        "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
    ),
}


def canonical(obj: dict[str, Any]) -> bytes:
    bare = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    return json.dumps(bare, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify(obj: dict[str, Any], user: str, key_id: str, public: str) -> None:
    """Raises vodozemac.SignatureException unless `key_id` of `user` signed `obj`."""
    signature = obj["signatures"][user][key_id]
    vodozemac.Ed25519PublicKey.from_base64(public).verify_signature(
        canonical(obj), vodozemac.Ed25519Signature.from_base64(signature)
    )


def only_key(obj: dict[str, Any]) -> str:
    (public,) = obj["keys"].values()
    return str(public)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_signer_gives_the_specifications_signatures() -> None:
    key = SigningKey.from_b64(SPEC_SEED)
    for text, expected in SPEC_SIGNATURES.items():
        assert key.sign(json.loads(text)) == expected
    # signatures and unsigned are not signed
    assert key.sign({"signatures": {"x": {}}, "unsigned": {"age": 1}}) == SPEC_SIGNATURES["{}"]


def admin_of(world: World) -> Admin:
    return Admin.register(world.hs, f"admin{world.tag}x{random.randrange(10**6)}")


def bot_token(data: Path) -> str:
    return str(json.loads((data / "store" / "session.json").read_text())["access_token"])


def cross_signing_of(admin: Admin, bot: str, device_id: str, token: str) -> tuple[str, str]:
    """Check what /keys/query shows of the bot to another user: its device signed by its
    self-signing key, that key signed by its master key; and to the bot (`token`): its
    master key signed by the device. Returns the master and self-signing public keys."""
    keys = admin.keys_of(bot)
    master = keys_query(admin.hs, token, bot)["master_keys"][bot]
    assert master["keys"] == keys["master_keys"][bot]["keys"]
    self_signing = keys["self_signing_keys"][bot]
    device = keys["device_keys"][bot][device_id]
    assert master["usage"] == ["master"] and self_signing["usage"] == ["self_signing"]
    master_key, self_key = only_key(master), only_key(self_signing)
    verify(self_signing, bot, f"ed25519:{master_key}", master_key)
    verify(device, bot, f"ed25519:{self_key}", self_key)
    verify(master, bot, f"ed25519:{device_id}", device["keys"][f"ed25519:{device_id}"])
    # The check can fail: a changed device object no longer matches its signature.
    with pytest.raises(vodozemac.SignatureException):
        verify({**device, "device_id": device_id + "X"}, bot, f"ed25519:{self_key}", self_key)
    return master_key, self_key


async def test_the_bot_cross_signs_its_device_at_first_start_and_keeps_its_master_key(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.matrix")
    bot = world.bot_account()
    admin = admin_of(world)
    data = world.tmp_path / "bot"
    async with world.bot(bot, data=data) as running:
        device_id = running.adapter.client.device_id
        first = cross_signing_of(admin, bot, device_id, bot_token(data))
    assert "(published now)" in caplog.text
    keys_file = data / "store" / "cross_signing.json"
    assert mode(keys_file) == 0o600
    kept = json.loads(keys_file.read_text())
    assert kept["user_id"] == bot and first[0] not in keys_file.read_text()  # seeds, not keys

    caplog.clear()
    async with world.bot(bot, data=data) as running:
        assert running.adapter.client.device_id == device_id
        assert cross_signing_of(admin, bot, device_id, bot_token(data)) == first
    assert "(published now)" not in caplog.text and "signed now" not in caplog.text
    assert json.loads(keys_file.read_text()) == kept


async def test_keys_the_bot_lost_are_replaced_only_with_the_password(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The server holds a master key the store_dir has lost: without MATRIX_PASSWORD the
    bot says it cannot replace it and runs on; with it the homeserver's password stage is
    answered and the new keys sign the device."""
    caplog.set_level(logging.INFO, logger="bot.adapters.matrix")
    bot = world.bot_account()
    admin = admin_of(world)
    data = world.tmp_path / "bot"
    keys_file = data / "store" / "cross_signing.json"
    async with world.bot(bot, data=data) as running:
        device_id = running.adapter.client.device_id
    first = cross_signing_of(admin, bot, device_id, bot_token(data))

    os.remove(keys_file)
    caplog.clear()
    async with world.bot(bot, data=data, credentials=Credentials()) as running:
        assert running.adapter.client.device_id == device_id
    assert "asks for the account password to change the cross-signing keys" in caplog.text
    assert (
        cross_signing_of(admin, bot, device_id, bot_token(data)) == first
    )  # the server's keys stand

    caplog.clear()
    async with world.bot(bot, data=data) as running:
        assert running.adapter.client.device_id == device_id
    assert "replacing them" in caplog.text and "(published now)" in caplog.text
    second = cross_signing_of(admin, bot, device_id, bot_token(data))
    assert second[0] != first[0] and second[1] != first[1]
    assert json.loads(keys_file.read_text())["user_id"] == bot
