"""Cross-signing for the bot's account (matrix-nio has none).

At the first start the bot makes its master, self-signing and user-signing Ed25519 keys,
keeps their private halves in `store_dir/cross_signing.json` (0600) and publishes the
public halves (`POST /keys/device_signing/upload`; the homeserver may ask for the account
password through user-interactive auth). The master key signs the other two. The
self-signing key then signs the bot's device keys and the device signs the master key
(`POST /keys/signatures/upload`), so clients that trust only cross-signed devices trust
the bot's. Later starts reuse the kept keys and upload only what the server lacks.

When the server holds a master key the bot does not (its store_dir was lost, or another
process with its own store_dir runs the account), the bot replaces the server's keys with
its own; that needs the password, and members who verified the bot see its identity change.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient

from bot.adapters.matrix.private_files import read_private_json, write_private_json
from bot.adapters.matrix.raw_api import Answer, ApiUnreachable, call
from bot.adapters.matrix.signing import SigningKey, with_signature

log = logging.getLogger(__name__)

KEYS_FILE = "cross_signing.json"
PASSWORD_STAGE = "m.login.password"  # noqa: S105  (a UIA stage name)
JsonDict = dict[str, Any]


class CrossSigningError(Exception):
    """Cross-signing could not be set up (the bot goes on without it)."""


@dataclass(frozen=True)
class CrossSigningKeys:
    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    @classmethod
    def load(cls, path: Path, user_id: str) -> CrossSigningKeys | None:
        data = read_private_json(path)
        if data is None:
            return None
        if data.get("user_id") != user_id:
            raise CrossSigningError(
                f"{path} holds the cross-signing keys of {data.get('user_id')}, not of {user_id}"
            )
        try:
            return cls(*(SigningKey.from_b64(data[name]) for name in _NAMES))
        except (KeyError, TypeError, ValueError) as exc:
            raise CrossSigningError(f"{path} is damaged ({exc.__class__.__name__})") from exc

    def save(self, path: Path, user_id: str) -> None:
        keys = dict(zip(_NAMES, (k.seed_b64() for k in self._all()), strict=True))
        write_private_json(path, {"user_id": user_id, **keys})

    def _all(self) -> tuple[SigningKey, SigningKey, SigningKey]:
        return self.master, self.self_signing, self.user_signing

    def public_keys(self, user_id: str) -> dict[str, JsonDict]:
        """The body of device_signing/upload: the master key, and the other two signed by it."""
        master = _key_object(user_id, "master", self.master)
        out = {"master_key": master}
        for field, usage, key in (
            ("self_signing_key", "self_signing", self.self_signing),
            ("user_signing_key", "user_signing", self.user_signing),
        ):
            obj = _key_object(user_id, usage, key)
            out[field] = with_signature(obj, user_id, self.master.key_id, self.master.sign(obj))
        return out


_NAMES = ("master", "self_signing", "user_signing")


def _key_object(user_id: str, usage: str, key: SigningKey) -> JsonDict:
    return {"user_id": user_id, "usage": [usage], "keys": {key.key_id: key.public}}


def _public_of(obj: object) -> str | None:
    """The public key a cross-signing key object of the server holds."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("keys"), Mapping):
        return None
    values = [v for v in obj["keys"].values() if isinstance(v, str)]
    return values[0] if len(values) == 1 else None


def _signed_by(obj: object, user_id: str, key_id: str) -> bool:
    if not isinstance(obj, Mapping):
        return False
    signatures = obj.get("signatures")
    mine = signatures.get(user_id) if isinstance(signatures, Mapping) else None
    return isinstance(mine, Mapping) and key_id in mine


@dataclass(frozen=True)
class ServerKeys:
    """What `/keys/query` tells about the bot's own account."""

    master: JsonDict | None
    self_signing: JsonDict | None
    user_signing: JsonDict | None
    device: JsonDict | None

    def matches(self, keys: CrossSigningKeys) -> bool:
        return (
            _public_of(self.master) == keys.master.public
            and _public_of(self.self_signing) == keys.self_signing.public
            and _public_of(self.user_signing) == keys.user_signing.public
        )


async def query_own_keys(client: AsyncClient, user_id: str, device_id: str) -> ServerKeys:
    answer = await call(client, "POST", "/keys/query", {"device_keys": {user_id: []}})
    if not answer.ok:
        raise CrossSigningError(f"the homeserver refused /keys/query: {answer.describe()}")

    def pick(section: str) -> JsonDict | None:
        found = (answer.body.get(section) or {}).get(user_id)
        return found if isinstance(found, dict) else None

    devices = pick("device_keys") or {}
    device = devices.get(device_id)
    return ServerKeys(
        pick("master_keys"),
        pick("self_signing_keys"),
        pick("user_signing_keys"),
        device if isinstance(device, dict) else None,
    )


async def _upload_keys(
    client: AsyncClient, user_id: str, body: JsonDict, password: str | None
) -> None:
    """device_signing/upload, answering the homeserver's password stage when it asks."""
    answer = await call(client, "POST", "/keys/device_signing/upload", body)
    if answer.status == 401 and "flows" in answer.body:
        answer = await _with_password(client, user_id, body, answer, password)
    if not answer.ok:
        raise CrossSigningError(
            f"the homeserver refused the cross-signing keys: {answer.describe()}"
        )


async def _with_password(
    client: AsyncClient, user_id: str, body: JsonDict, asked: Answer, password: str | None
) -> Answer:
    flows = asked.body.get("flows")
    offered = isinstance(flows, list) and any(
        isinstance(f, Mapping) and f.get("stages") == [PASSWORD_STAGE] for f in flows
    )
    if not offered:
        raise CrossSigningError(
            "the homeserver asks for an authentication other than the password to change "
            "the cross-signing keys"
        )
    if password is None:
        raise CrossSigningError(
            "the homeserver asks for the account password to change the cross-signing "
            "keys; set MATRIX_PASSWORD for one start"
        )
    auth = {
        "type": PASSWORD_STAGE,
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": password,
        "session": asked.body.get("session"),
    }
    return await call(client, "POST", "/keys/device_signing/upload", {**body, "auth": auth})


@dataclass(frozen=True)
class Outcome:
    master_key: str
    uploaded: bool  # the keys were published at this start
    replaced: bool  # they replaced other keys the server held
    signed: tuple[str, ...]  # what got a new signature ("device", "master")


async def ensure_cross_signing(
    client: AsyncClient,
    user_id: str,
    device_id: str,
    store_dir: Path,
    password: str | None,
) -> Outcome:
    """Publish the kept (or new) cross-signing keys if the server lacks them and sign the
    bot's device. Raises CrossSigningError when something is refused or unreachable."""
    try:
        return await _ensure(client, user_id, device_id, store_dir, password)
    except ApiUnreachable as exc:
        raise CrossSigningError(f"the homeserver did not answer ({exc})") from exc


async def _ensure(
    client: AsyncClient, user_id: str, device_id: str, store_dir: Path, password: str | None
) -> Outcome:
    path = store_dir / KEYS_FILE
    keys = CrossSigningKeys.load(path, user_id)
    if keys is None:
        keys = CrossSigningKeys.generate()
        keys.save(path, user_id)  # kept before it is published: never a key the bot lost
    server = await query_own_keys(client, user_id, device_id)
    uploaded = replaced = False
    public = keys.public_keys(user_id)
    master: JsonDict = public["master_key"]
    if not server.matches(keys):
        replaced = server.master is not None
        if replaced:
            log.warning(
                "matrix: the homeserver holds other cross-signing keys for %s than store_dir "
                "does; replacing them (members who verified the bot will see it changed)",
                user_id,
            )
        await _upload_keys(client, user_id, dict(public), password)
        uploaded = True
    elif server.master is not None:
        master = server.master
    signed: dict[str, JsonDict] = {}
    device = server.device
    if device is not None and not _signed_by(device, user_id, keys.self_signing.key_id):
        signature = keys.self_signing.sign(device)
        signed[device_id] = with_signature(device, user_id, keys.self_signing.key_id, signature)
    device_key_id = f"ed25519:{device_id}"
    olm = client.olm
    if device is not None and olm is not None and not _signed_by(master, user_id, device_key_id):
        bare = {k: v for k, v in master.items() if k not in ("signatures", "unsigned")}
        signature = str(olm.sign_json(bare))
        signed[keys.master.public] = with_signature(master, user_id, device_key_id, signature)
    if signed:
        answer = await call(client, "POST", "/keys/signatures/upload", {user_id: signed})
        failures = answer.body.get("failures")
        if not answer.ok or failures:
            raise CrossSigningError(
                f"the homeserver refused the signatures: {failures or answer.describe()}"
            )
    names = tuple("device" if key == device_id else "master" for key in signed)
    return Outcome(keys.master.public, uploaded, replaced, names)
