"""Client-server API calls matrix-nio has no method for (cross-signing), sent through the
nio client's own HTTP session and access token."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from nio import AsyncClient

CLIENT_V3 = "/_matrix/client/v3"


class ApiUnreachable(Exception):
    """The homeserver did not answer the call."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        """`M_CODE: message` (or the HTTP status) for a log line."""
        code = self.body.get("errcode")
        text = self.body.get("error")
        if isinstance(code, str):
            return f"{code}: {text}" if isinstance(text, str) else code
        return f"HTTP {self.status}"


async def call(
    client: AsyncClient, method: str, path: str, body: Mapping[str, Any] | None = None
) -> Answer:
    """`method` `/_matrix/client/v3{path}` with a JSON body; the JSON object answered."""
    headers = {"Content-Type": "application/json"}
    if client.access_token:
        headers["Authorization"] = f"Bearer {client.access_token}"
    data = None if body is None else json.dumps(body)
    try:
        resp = await client.send(method, CLIENT_V3 + path, data, headers)
        try:
            parsed = await resp.json(content_type=None)
        except ValueError:
            parsed = None
        finally:
            resp.release()
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise ApiUnreachable(f"{method} {path}: {exc.__class__.__name__}") from exc
    return Answer(int(resp.status), parsed if isinstance(parsed, dict) else {})
