"""Logging the Matrix bot in: the access token or password from the environment, the
device id kept beside the encryption keys so the bot stays one device across restarts."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

from bot.config import MatrixConfig

log = logging.getLogger(__name__)

DEVICE_NAME = "Kruzhok"
TOKEN_VAR = "MATRIX_ACCESS_TOKEN"  # noqa: S105  (the name of a variable, not a secret)
PASSWORD_VAR = "MATRIX_PASSWORD"  # noqa: S105  (the same)


class MatrixSetupError(Exception):
    """The Matrix adapter cannot start: credentials, config or the homeserver refused."""


@dataclass(frozen=True)
class Credentials:
    access_token: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        creds = cls(env.get(TOKEN_VAR) or None, env.get(PASSWORD_VAR) or None)
        if creds.access_token is None and creds.password is None:
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


def make_client(config: MatrixConfig, store_dir: Path) -> AsyncClient:
    store_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(store_dir, 0o700)
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


def _device_file(store_dir: Path) -> Path:
    return store_dir / "device_id"


async def log_in(
    client: AsyncClient, config: MatrixConfig, creds: Credentials, store_dir: Path
) -> None:
    """Log the client in and load its key store. Raises MatrixSetupError when refused."""
    device_file = _device_file(store_dir)
    kept = device_file.read_text(encoding="utf-8").strip() if device_file.exists() else None
    if creds.access_token is not None:
        device_id = config.device_id or kept
        if device_id is None:
            client.access_token = creds.access_token
            who = await client.whoami()
            if not isinstance(who, WhoamiResponse) or not who.device_id:
                raise MatrixSetupError(
                    f"the homeserver did not accept {TOKEN_VAR} (whoami: {getattr(who, 'message', who)})"
                )
            if who.user_id != config.user_id:
                raise MatrixSetupError(
                    f"{TOKEN_VAR} belongs to {who.user_id}, not to matrix.user_id {config.user_id}"
                )
            device_id = who.device_id
        client.restore_login(config.user_id, device_id, creds.access_token)
    else:
        if kept:
            client.device_id = kept
        resp = await client.login(creds.password, device_name=DEVICE_NAME)
        if not isinstance(resp, LoginResponse):
            raise MatrixSetupError(
                f"the homeserver refused the login of {config.user_id}: {getattr(resp, 'message', resp)}"
            )
        device_id = resp.device_id
    if kept != device_id:
        device_file.write_text(device_id + "\n", encoding="utf-8")
    log.info("matrix: logged in as %s (device %s)", config.user_id, device_id)
    if client.olm is not None and client.should_upload_keys:
        await client.keys_upload()
