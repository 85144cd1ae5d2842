"""Logging the Matrix bot in, once.

- With MATRIX_ACCESS_TOKEN the operator manages the login: the token is used as given and
  never written to disk. A refused token stops the bot with one clear line.
- Otherwise the bot logs in with MATRIX_PASSWORD once and keeps the access token and
  device id in `store_dir/session.json` (0600); later starts reuse them and need no
  password. When the homeserver no longer knows the kept token (M_UNKNOWN_TOKEN: the
  device was deleted or logged out) the bot logs in once more with the password, as a new
  device; without a password, or when that login is refused, it stops (exit code 2).
  It never retries a refused login.

After the login the device keys are published and the device is cross-signed
(bot.adapters.matrix.cross_signing).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

from bot.adapters.matrix.cross_signing import CrossSigningError, ensure_cross_signing
from bot.adapters.matrix.private_files import (
    make_private,
    prepare_store_dir,
    read_private_json,
    write_private_json,
)
from bot.config import MatrixConfig

log = logging.getLogger(__name__)

DEVICE_NAME = "Kruzhok"
TOKEN_VAR = "MATRIX_ACCESS_TOKEN"  # noqa: S105  (the name of a variable, not a secret)
PASSWORD_VAR = "MATRIX_PASSWORD"  # noqa: S105  (the same)
SESSION_FILE = "session.json"
UNKNOWN_TOKEN = "M_UNKNOWN_TOKEN"  # noqa: S105  (an error code)
WHOAMI_ATTEMPTS = 6  # a homeserver that answers without an error code (a 502) is asked again


class MatrixSetupError(Exception):
    """The Matrix adapter cannot start: credentials, config or the homeserver refused."""


@dataclass(frozen=True)
class Credentials:
    access_token: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, kept: bool = False) -> Credentials:
        """The secrets in the environment; `kept`: a login kept in store_dir may stand in
        for them."""
        env = os.environ if environ is None else environ
        creds = cls(env.get(TOKEN_VAR) or None, env.get(PASSWORD_VAR) or None)
        if creds.access_token is None and creds.password is None and not kept:
            raise MatrixSetupError(
                f"the matrix adapter needs {TOKEN_VAR} (an access token) or {PASSWORD_VAR} "
                "(the bot account's password) in the environment"
            )
        return creds


def check_config(config: MatrixConfig) -> None:
    if not config.user_id.startswith("@") or ":" not in config.user_id:
        raise MatrixSetupError(
            f"matrix.user_id must be a full user id like @kruzhok:example.org, not {config.user_id!r}"
        )
    if not config.homeserver.startswith(("http://", "https://")):
        raise MatrixSetupError(
            f"matrix.homeserver must be an http(s) URL, not {config.homeserver!r}"
        )


def store_path(config: MatrixConfig, base_dir: Path | None = None) -> Path:
    """`matrix.store_dir`, a relative one taken from `base_dir` (the working directory)."""
    store = Path(config.store_dir)
    return store if store.is_absolute() else (base_dir or Path.cwd()) / store


def make_client(config: MatrixConfig, store_dir: Path) -> AsyncClient:
    prepare_store_dir(store_dir)
    client_config = AsyncClientConfig(
        encryption_enabled=config.encryption,
        store_sync_tokens=False,
        max_timeout_retry_wait_time=config.max_retry_wait,
        request_timeout=config.sync_timeout + 30,
    )
    return AsyncClient(
        config.homeserver,
        config.user_id,
        store_path=str(store_dir),
        config=client_config,
    )


# -- the kept login ------------------------------------------------------------------


@dataclass(frozen=True)
class KeptSession:
    device_id: str
    access_token: str


def kept_session(config: MatrixConfig, store_dir: Path) -> KeptSession | None:
    """The login kept in store_dir for this account on this homeserver, if any."""
    data = read_private_json(store_dir / SESSION_FILE)
    if data is None or (data.get("user_id"), data.get("homeserver")) != (
        config.user_id,
        config.homeserver,
    ):
        return None
    device, token = data.get("device_id"), data.get("access_token")
    if not isinstance(device, str) or not isinstance(token, str) or not device or not token:
        return None
    return KeptSession(device, token)


def _keep_session(config: MatrixConfig, store_dir: Path, device_id: str, token: str) -> None:
    write_private_json(
        store_dir / SESSION_FILE,
        {
            "user_id": config.user_id,
            "homeserver": config.homeserver,
            "device_id": device_id,
            "access_token": token,
        },
    )


def _device_file(store_dir: Path) -> Path:
    return store_dir / "device_id"


def _reason(resp: object) -> str:
    return str(getattr(resp, "message", None) or resp)


# -- logging in ----------------------------------------------------------------------


async def log_in(
    client: AsyncClient, config: MatrixConfig, creds: Credentials, store_dir: Path
) -> None:
    """Log the client in and load its key store. Raises MatrixSetupError when refused."""
    if creds.access_token is not None:
        device_id = await _use_given_token(client, config, creds.access_token, store_dir)
    else:
        kept = kept_session(config, store_dir)
        resumed = await _resume(client, config, kept) if kept is not None else None
        device_id = resumed or await _password_login(
            client, config, creds, store_dir, refused=kept is not None
        )
    log.info("matrix: logged in as %s (device %s)", config.user_id, device_id)
    await _after_login(client, config, creds, store_dir, device_id)


async def log_in_again(
    client: AsyncClient, config: MatrixConfig, creds: Credentials, store_dir: Path
) -> None:
    """The homeserver answered M_UNKNOWN_TOKEN while the bot ran: one new login with the
    password, as a new device. Raises MatrixSetupError when that cannot be."""
    if creds.access_token is not None:
        raise MatrixSetupError(
            f"the homeserver no longer accepts {TOKEN_VAR} ({UNKNOWN_TOKEN}); "
            "set a new token, or unset it and set MATRIX_PASSWORD"
        )
    # The deleted device's encryption store stays on disk; the new device gets its own.
    client.store = None
    client.olm = None
    device_id = await _password_login(client, config, creds, store_dir, refused=True)
    log.info("matrix: logged in again as %s (new device %s)", config.user_id, device_id)
    await _after_login(client, config, creds, store_dir, device_id)


async def _use_given_token(
    client: AsyncClient, config: MatrixConfig, token: str, store_dir: Path
) -> str:
    device_file = _device_file(store_dir)
    kept = device_file.read_text(encoding="utf-8").strip() if device_file.exists() else None
    client.access_token = token
    who = await _whoami(client)
    if not isinstance(who, WhoamiResponse):
        code = getattr(who, "status_code", None)
        raise MatrixSetupError(
            f"the homeserver did not accept {TOKEN_VAR} ({code or 'whoami'}: {_reason(who)})"
        )
    if who.user_id != config.user_id:
        raise MatrixSetupError(
            f"{TOKEN_VAR} belongs to {who.user_id}, not to matrix.user_id {config.user_id}"
        )
    device_id = config.device_id or kept or who.device_id
    if not device_id:
        raise MatrixSetupError(f"the homeserver names no device for {TOKEN_VAR}")
    client.restore_login(config.user_id, device_id, token)
    if kept != device_id:
        device_file.write_text(device_id + "\n", encoding="utf-8")
    return device_id


async def _resume(client: AsyncClient, config: MatrixConfig, kept: KeptSession) -> str | None:
    """The kept login's device when the homeserver still accepts its token; None when it
    answers M_UNKNOWN_TOKEN."""
    client.access_token = kept.access_token
    who = await _whoami(client)
    if isinstance(who, WhoamiResponse) and who.user_id == config.user_id:
        device_id = who.device_id or kept.device_id
        client.restore_login(config.user_id, device_id, kept.access_token)
        return device_id
    client.access_token = ""
    if getattr(who, "status_code", None) == UNKNOWN_TOKEN:
        log.warning(
            "matrix: the homeserver no longer knows the kept login of %s (device %s)",
            config.user_id,
            kept.device_id,
        )
        return None
    raise MatrixSetupError(
        f"the homeserver did not accept the kept login of {config.user_id}: {_reason(who)}"
    )


async def _whoami(client: AsyncClient) -> object:
    """whoami, asked again (with a growing wait) while the answer carries no error code."""
    wait = 0.5
    for attempt in range(WHOAMI_ATTEMPTS):
        who = await client.whoami()
        if isinstance(who, WhoamiResponse) or getattr(who, "status_code", None):
            return who
        if attempt + 1 < WHOAMI_ATTEMPTS:
            log.warning("matrix: whoami failed (%s); again in %.1fs", _reason(who), wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, client.config.max_timeout_retry_wait_time)
    return who


async def _password_login(
    client: AsyncClient,
    config: MatrixConfig,
    creds: Credentials,
    store_dir: Path,
    refused: bool,
) -> str:
    """One login with the password; the token and device kept. `refused`: a kept token was
    just refused (the new login is a new device)."""
    if creds.password is None:
        if refused:  # the kept session stays: a start with the password replaces it
            raise MatrixSetupError(
                f"the homeserver refused the kept access token of {config.user_id} "
                f"({UNKNOWN_TOKEN}: its device was deleted or logged out); set {PASSWORD_VAR} "
                "for one new login"
            )
        raise MatrixSetupError(
            f"the matrix adapter needs {TOKEN_VAR} (an access token) or {PASSWORD_VAR} "
            f"(the bot account's password) in the environment: no login is kept in {store_dir}"
        )
    device_file = _device_file(store_dir)
    # An older version kept only the device id: log in as that device again, once.
    legacy = device_file.read_text(encoding="utf-8").strip() if device_file.exists() else ""
    client.access_token = ""
    client.device_id = "" if refused else legacy
    resp = await client.login(creds.password, device_name=DEVICE_NAME)
    if not isinstance(resp, LoginResponse):
        raise MatrixSetupError(
            f"the homeserver refused the login of {config.user_id}: {_reason(resp)}"
        )
    _keep_session(config, store_dir, resp.device_id, resp.access_token)
    device_file.write_text(resp.device_id + "\n", encoding="utf-8")
    return str(resp.device_id)


async def _after_login(
    client: AsyncClient,
    config: MatrixConfig,
    creds: Credentials,
    store_dir: Path,
    device_id: str,
) -> None:
    """Publish the device keys, keep the encryption store private, cross-sign the device."""
    if client.olm is None:
        return  # encryption off: no device keys to publish or sign
    if client.should_upload_keys:
        await client.keys_upload()
    make_private(store_dir / f"{config.user_id}_{device_id}.db")
    try:
        outcome = await ensure_cross_signing(
            client, config.user_id, device_id, store_dir, creds.password
        )
    except CrossSigningError as exc:
        log.warning("matrix: no cross-signing for %s: %s", config.user_id, exc)
        return
    log.info(
        "matrix: cross-signing of %s: master key %s%s%s",
        config.user_id,
        outcome.master_key,
        " (published now)" if outcome.uploaded else "",
        f"; signed now: {', '.join(outcome.signed)}" if outcome.signed else "",
    )
