"""The loopback fake refuses what Discord refuses, with Discord's status, JSON error code
and `errors` object (raw HTTP, no bot): the other Discord tests are only as strict as it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.discord_fake.server import APP_ID, GENERAL, GUILD_ID, FakeDiscord

BUTTON = {"type": 2, "style": 1, "label": "A", "custom_id": "kz:x:0:t"}


def row(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(buttons)}


def button(i: int, **changes: Any) -> dict[str, Any]:
    return {**BUTTON, "custom_id": f"kz:x:{i}:t", **changes}


def embed(**fields: Any) -> dict[str, Any]:
    return {"type": "rich", **fields}


@pytest.fixture
async def http(fake_discord: FakeDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(f"{fake_discord.base}/") as session:
        yield session


async def call(
    http: aiohttp.ClientSession, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with http.request(method, f"api/v10{path}", json=body) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None


MESSAGE_CASES = [
    ({"content": "x" * 2001}, {"content": "BASE_TYPE_MAX_LENGTH"}),
    ({"embeds": [embed(title="t" * 257)]}, {"embeds": {"0": {"title": "BASE_TYPE_MAX_LENGTH"}}}),
    (
        {"embeds": [embed(description="d" * 4097)]},
        {"embeds": {"0": {"description": "BASE_TYPE_MAX_LENGTH"}}},
    ),
    (
        {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]},
        {"embeds": {"0": {"fields": "BASE_TYPE_MAX_LENGTH"}}},
    ),
    (
        {"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]},
        {"embeds": {"0": {"fields": {"0": {"name": "BASE_TYPE_MAX_LENGTH"}}}}},
    ),
    (
        {"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]},
        {"embeds": {"0": {"fields": {"0": {"value": "BASE_TYPE_MAX_LENGTH"}}}}},
    ),
    (
        {"embeds": [embed(footer={"text": "f" * 2049})]},
        {"embeds": {"0": {"footer": {"text": "BASE_TYPE_MAX_LENGTH"}}}},
    ),
    (
        {"embeds": [embed(author={"name": "a" * 257})]},
        {"embeds": {"0": {"author": {"name": "BASE_TYPE_MAX_LENGTH"}}}},
    ),
    (
        {"embeds": [embed(title="t" * 256, description="d" * 4096, footer={"text": "f" * 2000})]},
        {"embeds": "MAX_EMBED_SIZE_EXCEEDED"},
    ),
    (
        {"embeds": [embed(description="d" * 4000), embed(description="d" * 2001)]},
        {"embeds": "MAX_EMBED_SIZE_EXCEEDED"},
    ),
    (
        {"content": "q", "components": [row(button(i)) for i in range(6)]},
        {"components": "BASE_TYPE_BAD_LENGTH"},
    ),
    (
        {"content": "q", "components": [row(*(button(i) for i in range(6)))]},
        {"components": {"0": {"components": "BASE_TYPE_BAD_LENGTH"}}},
    ),
    (
        {"content": "q", "components": [row(button(0, custom_id="c" * 101))]},
        {"components": {"0": {"components": {"0": {"custom_id": "BASE_TYPE_BAD_LENGTH"}}}}},
    ),
    (
        {"content": "q", "components": [row(button(0, label="l" * 81))]},
        {"components": {"0": {"components": {"0": {"label": "BASE_TYPE_MAX_LENGTH"}}}}},
    ),
]


def codes(errors: dict[str, Any]) -> Any:
    """Discord's errors object with each `_errors` list reduced to its first code."""
    if "_errors" in errors:
        return errors["_errors"][0]["code"]
    return {key: codes(value) for key, value in errors.items()}


@pytest.mark.parametrize(("body", "expected"), MESSAGE_CASES)
async def test_a_message_over_a_limit_is_invalid_form_body(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord, body: dict[str, Any], expected: Any
) -> None:
    status, answer = await call(http, "POST", f"/channels/{GENERAL}/messages", body)
    assert status == 400 and answer["code"] == 50035 and answer["message"] == "Invalid Form Body"
    assert codes(answer["errors"]) == expected
    assert not fake_discord.messages  # nothing was posted


async def test_at_the_limits_a_message_is_accepted(http: aiohttp.ClientSession) -> None:
    body = {
        "content": "x" * 2000,
        "embeds": [embed(title="t" * 256, description="d" * 4096, footer={"text": "f" * 1648})],
        "components": [
            row(*(button(r * 5 + i, label="l" * 80) for i in range(5))) for r in range(5)
        ],
    }
    status, answer = await call(http, "POST", f"/channels/{GENERAL}/messages", body)
    assert status == 200 and answer["content"] == "x" * 2000


def command(name: str = "notes", **changes: Any) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "notes", **changes}


def option(name: str, required: bool = False, **changes: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "an option", "required": required, **changes}


COMMAND_CASES = [
    ([command("Notes")], {"0": {"name": "APPLICATION_COMMAND_INVALID_NAME"}}),
    ([command("two words")], {"0": {"name": "APPLICATION_COMMAND_INVALID_NAME"}}),
    ([command("n" * 33)], {"0": {"name": "APPLICATION_COMMAND_INVALID_NAME"}}),
    ([command(description="")], {"0": {"description": "BASE_TYPE_BAD_LENGTH"}}),
    ([command(description="d" * 101)], {"0": {"description": "BASE_TYPE_BAD_LENGTH"}}),
    (
        [command(options=[option(f"o{i}") for i in range(26)])],
        {"0": {"options": "BASE_TYPE_MAX_LENGTH"}},
    ),
    (
        [
            command(
                options=[
                    option("o", choices=[{"name": str(i), "value": str(i)} for i in range(26)])
                ]
            )
        ],
        {"0": {"options": {"0": {"choices": "BASE_TYPE_MAX_LENGTH"}}}},
    ),
    (
        [command(options=[option("o", choices=[{"name": "c" * 101, "value": "c"}])])],
        {"0": {"options": {"0": {"choices": {"0": {"name": "BASE_TYPE_BAD_LENGTH"}}}}}},
    ),
    (
        [command(options=[option("later"), option("first", required=True)])],
        {"0": {"options": {"1": {"required": "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"}}}},
    ),
    (
        [
            command(
                options=[
                    option(
                        f"o{i}",
                        description="d" * 100,
                        choices=[{"name": "c" * 100, "value": "v" * 100}] * 25,
                    )
                    for i in range(2)
                ]
            )
        ],
        {"0": "APPLICATION_COMMAND_TOO_LARGE"},
    ),
]


@pytest.mark.parametrize(("commands", "expected"), COMMAND_CASES)
async def test_a_command_payload_discord_refuses_is_invalid_form_body(
    http: aiohttp.ClientSession, commands: list[dict[str, Any]], expected: Any
) -> None:
    status, answer = await call(http, "PUT", f"/applications/{APP_ID}/commands", commands)
    assert status == 400 and answer["code"] == 50035
    assert codes(answer["errors"]) == expected


async def test_names_follow_discords_pattern(http: aiohttp.ClientSession) -> None:
    """Letters of any script in lowercase, digits, - _ and ': Cyrillic, Devanagari, Thai."""
    commands = [command("кружок"), command("पढ़ना"), command("อ่าน"), command("it's-a_1")]
    status, _ = await call(
        http, "PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands", commands
    )
    assert status == 200


async def test_more_than_100_commands_are_refused(http: aiohttp.ClientSession) -> None:
    commands = [command(f"c{i}") for i in range(101)]
    status, answer = await call(http, "PUT", f"/applications/{APP_ID}/commands", commands)
    assert (status, answer["code"]) == (400, 30032)
    status, _ = await call(http, "PUT", f"/applications/{APP_ID}/commands", commands[:100])
    assert status == 200


async def test_an_interaction_is_acknowledged_once(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    """A second callback is 40060; an unknown interaction is 10062."""
    payload = fake_discord.interaction_payload(
        2, "alice", fake_discord.command_data("notes", None, {})
    )
    fake_discord.open_interaction(payload)
    url = f"/interactions/{payload['id']}/{payload['token']}/callback"
    reply = {"type": 4, "data": {"content": "hi"}}
    assert (await call(http, "POST", url, reply))[0] == 200
    status, answer = await call(http, "POST", url, reply)
    assert (status, answer["code"]) == (400, 40060)
    status, answer = await call(http, "POST", "/interactions/1/token-1/callback", reply)
    assert (status, answer["code"]) == (404, 10062)


async def test_the_first_follow_up_after_a_defer_fills_the_thinking_message(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    """As Discord does: the first follow-up edits the deferred message and keeps its
    privacy (a public defer stays public whatever the follow-up's flags); the next is new."""
    payload = fake_discord.interaction_payload(
        2, "alice", fake_discord.command_data("notes", None, {})
    )
    fake_discord.open_interaction(payload)
    token = payload["token"]
    status, deferred = await call(
        http, "POST", f"/interactions/{payload['id']}/{token}/callback", {"type": 5}
    )
    original = deferred["interaction"]["response_message_id"]
    status, first = await call(
        http, "POST", f"/webhooks/{APP_ID}/{token}", {"content": "a", "flags": 64}
    )
    assert status == 200 and first["id"] == original and first["flags"] == 0
    status, second = await call(
        http, "POST", f"/webhooks/{APP_ID}/{token}", {"content": "b", "flags": 64}
    )
    assert status == 200 and second["id"] != original and second["flags"] == 64


async def test_edits_and_deletes_of_unknown_messages_are_404(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    for method in ("PATCH", "DELETE"):
        status, answer = await call(
            http, method, f"/channels/{GENERAL}/messages/424242", {"content": "x"}
        )
        assert (status, answer["code"]) == (404, 10008)
    payload = fake_discord.interaction_payload(
        2, "alice", fake_discord.command_data("notes", None, {})
    )
    fake_discord.open_interaction(payload)
    token = payload["token"]
    await call(
        http,
        "POST",
        f"/interactions/{payload['id']}/{token}/callback",
        {"type": 4, "data": {"content": "a"}},
    )
    status, _ = await call(http, "DELETE", f"/webhooks/{APP_ID}/{token}/messages/@original")
    assert status == 204
    status, answer = await call(
        http, "PATCH", f"/webhooks/{APP_ID}/{token}/messages/@original", {"content": "b"}
    )
    assert (status, answer["code"]) == (404, 10008)


async def test_a_file_over_the_attachment_size_limit_is_413(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    fake_discord.upload_limit = 10
    data = aiohttp.FormData()
    data.add_field("payload_json", json.dumps({"content": "file"}), content_type="application/json")
    data.add_field("files[0]", b"x" * 11, filename="big.txt")
    async with http.post(f"api/v10/channels/{GENERAL}/messages", data=data) as response:
        answer = await response.json()
    assert (response.status, answer["code"], answer["message"]) == (
        413,
        40005,
        "Request entity too large",
    )
    assert not fake_discord.messages
