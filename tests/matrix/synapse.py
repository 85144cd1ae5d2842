"""A real Synapse for the Matrix tests: its own virtual environment (`make synapse`), a
free loopback port, SQLite, a shared registration secret, rate limits raised."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SYNAPSE_PYTHON = Path(
    os.environ.get("KRUZHOK_SYNAPSE_PYTHON", ROOT / ".venv-synapse" / "bin" / "python")
)
SERVER_NAME = "kruzhok.test"
START_TIMEOUT = 90.0

_RATE = {"per_second": 10000, "burst_count": 10000}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(base: Path, port: int, secret: str) -> str:
    log_config = base / "log.yaml"
    log_config.write_text(
        json.dumps(
            {
                "version": 1,
                "formatters": {
                    "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
                },
                "handlers": {
                    "file": {
                        "class": "logging.FileHandler",
                        "formatter": "plain",
                        "filename": str(base / "homeserver.log"),
                        "encoding": "utf8",
                    }
                },
                "root": {"level": "INFO", "handlers": ["file"]},
                "disable_existing_loggers": False,
            }
        )
        + "\n"
    )
    config: dict[str, Any] = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(base / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "tls": False,
                "type": "http",
                "x_forwarded": False,
                "bind_addresses": ["127.0.0.1"],
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(base / "homeserver.db")}},
        "log_config": str(log_config),
        "media_store_path": str(base / "media"),
        "signing_key_path": str(base / "signing.key"),
        "registration_shared_secret": secret,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "enable_registration": False,
        "bcrypt_rounds": 4,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "enable_metrics": False,
        "rc_message": _RATE,
        "rc_registration": _RATE,
        "rc_login": {"address": _RATE, "account": _RATE, "failed_attempts": _RATE},
        "rc_joins": {"local": _RATE, "remote": _RATE},
        "rc_joins_per_room": _RATE,
        "rc_invites": {"per_room": _RATE, "per_user": _RATE, "per_issuer": _RATE},
        "rc_admin_redaction": _RATE,
        "rc_3pid_validation": _RATE,
        "rc_key_requests": _RATE,
        "rc_media_create": _RATE,
        "rc_room_creation": _RATE,
        "rc_delayed_event_mgmt": _RATE,
        "rc_presence": {"per_user": _RATE},
    }
    # JSON is YAML; one whole file with its final newline.
    return json.dumps(config, indent=2) + "\n"


class Synapse:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(16)
        self.proc: subprocess.Popen[bytes] | None = None
        base.mkdir(parents=True, exist_ok=True)
        (base / "signing.key").write_text(
            "ed25519 a_test " + base64.b64encode(os.urandom(32)).decode().rstrip("=") + "\n"
        )
        self.config_path = base / "homeserver.yaml"
        self.config_path.write_text(_config(base, self.port, self.secret))

    def start(self) -> None:
        if not SYNAPSE_PYTHON.exists():
            raise RuntimeError(
                f"Synapse is not installed at {SYNAPSE_PYTHON}: run `make synapse` (make test does)"
            )
        out = (self.base / "stdout.log").open("ab")
        self.proc = subprocess.Popen(
            [str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            cwd=self.base,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self, lines: int = 200) -> str:
        parts = []
        for name in ("stdout.log", "homeserver.log"):
            path = self.base / name
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def register(self, name: str, password: str, admin: bool = False) -> dict[str, Any]:
        """Register a user through the admin API with the shared-secret HMAC."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with urllib.request.urlopen(endpoint, timeout=10) as resp:
            nonce = json.load(resp)["nonce"]
        mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        for part in (nonce, name, password, "admin" if admin else "notadmin"):
            mac.update(part.encode())
            if part != ("admin" if admin else "notadmin"):
                mac.update(b"\x00")
        body = json.dumps(
            {
                "nonce": nonce,
                "username": name,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            }
        ).encode()
        request = urllib.request.Request(
            endpoint, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            result: dict[str, Any] = json.load(resp)
        return result


def user_id(name: str) -> str:
    return f"@{name}:{SERVER_NAME}"


if __name__ == "__main__":  # a quick manual check: python -m tests.matrix.synapse
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        hs = Synapse(Path(tmp))
        hs.start()
        print(hs.register("alice", "pw"), file=sys.stderr)
        hs.stop()
