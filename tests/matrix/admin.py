"""What the tests ask Synapse directly, as an admin or as an onlooker: an account's devices
(Synapse admin API), deleting one, and the keys /keys/query shows of an account."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from tests.matrix.synapse import Synapse, user_id

PASSWORD = "admin password"


def _request(
    hs: Synapse, method: str, path: str, token: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    request = urllib.request.Request(
        hs.url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=20) as resp:
        answer: dict[str, Any] = json.load(resp)
    return answer


def _quoted(user: str) -> str:
    return urllib.parse.quote(user, safe="")


@dataclass
class Admin:
    """A Synapse admin account of the test (its own login: it is not the bot's device)."""

    hs: Synapse
    token: str

    @classmethod
    def register(cls, hs: Synapse, name: str) -> Admin:
        hs.register(name, PASSWORD, admin=True)
        request = urllib.request.Request(
            hs.url + "/_matrix/client/v3/login",
            data=json.dumps(
                {
                    "type": "m.login.password",
                    "identifier": {"type": "m.id.user", "user": user_id(name)},
                    "password": PASSWORD,
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=20) as resp:
            return cls(hs, str(json.load(resp)["access_token"]))

    def devices(self, user: str) -> list[str]:
        """The device ids of `user`, as the server has them."""
        answer = _request(
            self.hs, "GET", f"/_synapse/admin/v2/users/{_quoted(user)}/devices", self.token
        )
        return sorted(str(d["device_id"]) for d in answer["devices"])

    def delete_device(self, user: str, device_id: str) -> None:
        path = f"/_synapse/admin/v2/users/{_quoted(user)}/devices/{_quoted(device_id)}"
        _request(self.hs, "DELETE", path, self.token)

    def override_rate(self, user: str, per_second: int, burst: int) -> None:
        """Limit `user`'s messages (Synapse's per-user rate limit override)."""
        path = f"/_synapse/admin/v1/users/{_quoted(user)}/override_ratelimit"
        body = {"messages_per_second": per_second, "burst_count": burst}
        _request(self.hs, "POST", path, self.token, body)

    def keys_of(self, user: str) -> dict[str, Any]:
        """/keys/query for `user`, as any other member of the server sees it."""
        return keys_query(self.hs, self.token, user)


def keys_query(hs: Synapse, token: str, user: str) -> dict[str, Any]:
    """/keys/query for `user` by the holder of `token` (Synapse shows the signatures on
    cross-signing keys to their signer only)."""
    return _request(hs, "POST", "/_matrix/client/v3/keys/query", token, {"device_keys": {user: []}})


def whoami(hs: Synapse, token: str) -> dict[str, Any]:
    return _request(hs, "GET", "/_matrix/client/v3/account/whoami", token)
