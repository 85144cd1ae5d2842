"""The fake refuses polls, threads and forum posts as Discord does (raw HTTP, no bot):
the chapter tests on Discord are only as strict as these rules."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests import test_discord_fake_rules as raw
from tests.discord_fake.server import GENERAL, FakeDiscord

FORUM = 1010
# Raw HTTP to the fake: the `http` session fixture and `call`, as the fake's rule tests use.
http = raw.http
call = raw.call


def poll(**changes: Any) -> dict[str, Any]:
    return {
        "question": {"text": "How far are you?"},
        "answers": [{"poll_media": {"text": "Finished"}}, {"poll_media": {"text": "Halfway"}}],
        "duration": 24,
        "allow_multiselect": False,
        **changes,
    }


POLL_CASES = [
    (poll(question={"text": "q" * 301}), ["question", "text"]),
    (poll(question={"text": ""}), ["question", "text"]),
    (poll(answers=[]), ["answers"]),
    (poll(answers=[{"poll_media": {"text": str(i)}} for i in range(11)]), ["answers"]),
    (poll(answers=[{"poll_media": {"text": "a" * 56}}]), ["answers", "0", "poll_media", "text"]),
    (poll(duration=0), ["duration"]),
    (poll(duration=769), ["duration"]),
    (poll(duration=24.5), ["duration"]),
    (poll(allow_multiselect="yes"), ["allow_multiselect"]),
]


@pytest.mark.parametrize(("body", "path"), POLL_CASES)
async def test_a_poll_over_discords_limits_is_refused_with_its_field(
    http: aiohttp.ClientSession, body: dict[str, Any], path: list[str]
) -> None:
    status, answer = await call(http, "POST", f"/channels/{GENERAL}/messages", {"poll": body})
    assert status == 400 and answer["code"] == 50035
    node = answer["errors"]["poll"]
    for key in path:
        node = node[key]
    assert node["_errors"]


async def test_a_good_poll_is_stored_with_answer_ids_from_one_and_can_be_expired(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    status, message = await call(http, "POST", f"/channels/{GENERAL}/messages", {"poll": poll()})
    assert status == 200
    assert [a["answer_id"] for a in message["poll"]["answers"]] == [1, 2]
    status, ended = await call(http, "POST", f"/channels/{GENERAL}/polls/{message['id']}/expire")
    assert status == 200 and ended["poll"]["results"]["is_finalized"] is True
    status, plain = await call(http, "POST", f"/channels/{GENERAL}/messages", {"content": "x"})
    status, refused = await call(http, "POST", f"/channels/{GENERAL}/polls/{plain['id']}/expire")
    assert status == 400 and refused["code"] == 520006


async def test_threads_are_checked_and_an_archived_thread_takes_no_message(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    status, refused = await call(http, "POST", f"/channels/{GENERAL}/threads", {"name": ""})
    assert status == 400 and refused["errors"]["name"]["_errors"]
    status, refused = await call(
        http, "POST", f"/channels/{GENERAL}/threads", {"name": "x" * 101, "type": 11}
    )
    assert status == 400 and "name" in refused["errors"]
    status, thread = await call(
        http, "POST", f"/channels/{GENERAL}/threads", {"name": "Chapter 15", "type": 11}
    )
    assert status == 201 and thread["parent_id"] == str(GENERAL)
    tid = thread["id"]
    assert (await call(http, "POST", f"/channels/{tid}/messages", {"content": "hi"}))[0] == 200
    status, _ = await call(http, "PATCH", f"/channels/{tid}", {"archived": True, "locked": True})
    assert status == 200
    status, refused = await call(http, "POST", f"/channels/{tid}/messages", {"content": "hi"})
    assert status == 400 and refused["code"] == 50083


async def test_a_forum_post_needs_a_message_and_known_tags(
    http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    fake_discord.threads.add_forum(FORUM, tags=("chapter 15",))
    (tag,) = fake_discord.threads.channels[FORUM]["available_tags"]
    status, refused = await call(http, "POST", f"/channels/{FORUM}/threads", {"name": "Ch 15"})
    assert status == 400 and refused["errors"]["message"]["_errors"]
    status, refused = await call(
        http,
        "POST",
        f"/channels/{FORUM}/threads",
        {"name": "Ch 15", "applied_tags": ["1"], "message": {"content": "x"}},
    )
    assert status == 400 and refused["errors"]["applied_tags"]["0"]["_errors"]
    status, refused = await call(
        http,
        "POST",
        f"/channels/{FORUM}/threads",
        {"name": "Ch 15", "message": {"poll": poll(duration=1000)}},
    )
    assert status == 400 and refused["errors"]["message"]["poll"]["duration"]["_errors"]
    status, refused = await call(http, "POST", f"/channels/{FORUM}/messages", {"content": "x"})
    assert status == 400 and refused["code"] == 40058
    status, post = await call(
        http,
        "POST",
        f"/channels/{FORUM}/threads",
        {"name": "Ch 15", "applied_tags": [tag["id"]], "message": {"poll": poll()}},
    )
    assert status == 201 and post["applied_tags"] == [tag["id"]]
    assert post["message"]["id"] == post["id"] and post["message"]["poll"]["answers"]
