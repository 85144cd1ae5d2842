"""Threads, forum posts and native polls in the Discord fake, as Discord does them:

- POST /channels/{id}/threads starts a public thread in a text channel (Start Thread
  without Message) or, in a forum, a post whose starter message has the post's id (Start
  Thread in Forum or Media Channel: `message` required, `applied_tags` ids of the forum's
  tags); the thread is announced on the gateway with THREAD_CREATE. Bodies are checked by
  rules.thread_errors (and the starter message, poll included, by rules.message_errors).
- A message in an archived thread is refused (50083); a forum takes no plain message (40058).
- GET and PATCH /channels/{id}: a thread's archived and locked, a forum's available_tags
  (new tags get ids).
- POST /channels/{id}/polls/{message}/expire ends a poll (520006 on a message without one).
- `poll_vote` injects MESSAGE_POLL_VOTE_ADD or _REMOVE (answer ids count from 1).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.discord_fake import rules
from tests.discord_fake.payloads import TIMESTAMP, USERS

if TYPE_CHECKING:
    from tests.discord_fake.server import FakeDiscord

FORUM = 15
PUBLIC_THREAD = 11
ARCHIVED_THREAD = (400, 50083, "Cannot execute action on an archived thread")
FORUM_MESSAGE = (400, 40058, "Cannot send messages in a forum channel")
NOT_A_POLL = (400, 520006, "Cannot expire a non-poll message")
UNKNOWN_CHANNEL = (404, 10003, "Unknown Channel")


class Threads:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.channels: dict[int, dict[str, Any]] = {}  # threads and forums by id

    def add_forum(self, channel_id: int, tags: tuple[str, ...] = ()) -> None:
        """A forum channel in the first guild (before the bot connects)."""
        from tests.discord_fake.server import GUILD_ID

        forum = {
            "id": str(channel_id),
            "type": FORUM,
            "name": "chapters",
            "position": 5,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "guild_id": str(GUILD_ID),
            "available_tags": [],
            "flags": 0,
        }
        for name in tags:
            self._add_tag(forum, name)
        self.channels[channel_id] = forum
        self.fake.guilds[GUILD_ID]["channels"].append(forum)
        self.fake.channel_guilds[channel_id] = GUILD_ID

    def _add_tag(self, forum: dict[str, Any], name: str) -> dict[str, Any]:
        tag = {
            "id": str(next(self.fake._ids)),
            "name": name,
            "moderated": False,
            "emoji_id": None,
            "emoji_name": None,
        }
        forum["available_tags"].append(tag)
        return tag

    def threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] == PUBLIC_THREAD]

    async def poll_vote(
        self, user: str, channel_id: int, message_id: int, answer_id: int, removed: bool = False
    ) -> None:
        await self.fake.dispatch(
            "MESSAGE_POLL_VOTE_REMOVE" if removed else "MESSAGE_POLL_VOTE_ADD",
            {
                "user_id": str(USERS[user]["id"]),
                "channel_id": str(channel_id),
                "message_id": str(message_id),
                "guild_id": str(self.fake.guild_of(channel_id)),
                "answer_id": answer_id,
            },
        )

    # -- REST -------------------------------------------------------------------------

    def answer(self, method: str, path: str, body: Any) -> web.Response | None:
        """The answer to a request about threads, forums or polls; None for the others."""
        from tests.discord_fake.server import Refused, invalid_form_body, json_response

        if (match := re.fullmatch(r"/channels/(\d+)/threads", path)) and method == "POST":
            return self._start(int(match[1]), body, Refused, invalid_form_body, json_response)
        if (match := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            channel = self.channels.get(int(match[1]))
            if channel is not None and channel["type"] == FORUM:
                raise Refused(*FORUM_MESSAGE)
            if channel is not None and channel["thread_metadata"]["archived"]:
                raise Refused(*ARCHIVED_THREAD)
            return None
        if (match := re.fullmatch(r"/channels/(\d+)", path)) and int(match[1]) in self.channels:
            channel = self.channels[int(match[1])]
            if method == "PATCH":
                self._edit(channel, body)
            return json_response(channel)
        if (match := re.fullmatch(r"/channels/(\d+)/polls/(\d+)/expire", path)) and (
            method == "POST"
        ):
            message = self.fake.messages.get(int(match[2]))
            if message is None or message["channel_id"] != match[1]:
                raise Refused(404, 10008, "Unknown Message")
            if not message.get("poll"):
                raise Refused(*NOT_A_POLL)
            message["poll"]["expiry"] = TIMESTAMP
            message["poll"]["results"] = {"is_finalized": True, "answer_counts": []}
            return json_response(message)
        return None

    def _edit(self, channel: dict[str, Any], body: dict[str, Any]) -> None:
        if channel["type"] == FORUM and "available_tags" in body:
            kept = []
            for tag in body["available_tags"]:
                if "id" in tag:
                    kept.append(next(t for t in channel["available_tags"] if t["id"] == tag["id"]))
                else:
                    kept.append(
                        {
                            "id": str(next(self.fake._ids)),
                            "name": tag["name"],
                            "moderated": bool(tag.get("moderated", False)),
                            "emoji_id": None,
                            "emoji_name": None,
                        }
                    )
            channel["available_tags"] = kept
        if "thread_metadata" in channel:
            for key in ("archived", "locked"):
                if key in body:
                    channel["thread_metadata"][key] = bool(body[key])

    def _start(
        self, parent_id: int, body: dict[str, Any], refused: Any, invalid: Any, respond: Any
    ) -> web.Response:
        parent = self.channels.get(parent_id)
        forum = parent is not None and parent["type"] == FORUM
        if not forum and parent_id not in self.fake.channel_guilds:
            raise refused(*UNKNOWN_CHANNEL)
        errors = rules.thread_errors(body, forum)
        if forum and parent is not None:
            known = {t["id"] for t in parent["available_tags"]}
            for i, tag in enumerate(body.get("applied_tags") or []):
                if str(tag) not in known:
                    errors.setdefault("applied_tags", {}).setdefault(str(i), {}).update(
                        rules.error("FORUM_TAG_UNKNOWN", "Unknown tag.")
                    )
        if forum and not errors and not _has_content(body["message"]):
            raise refused(400, 50006, "Cannot send an empty message")
        if errors:
            raise invalid(errors)
        thread_id = next(self.fake._ids)
        guild_id = self.fake.guild_of(parent_id)
        thread = {
            "id": str(thread_id),
            "type": PUBLIC_THREAD,
            "name": body["name"],
            "parent_id": str(parent_id),
            "guild_id": str(guild_id),
            "owner_id": self.fake_bot_id(),
            "flags": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "rate_limit_per_user": 0,
            "applied_tags": [str(t) for t in body.get("applied_tags") or []],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": int(body.get("auto_archive_duration") or 4320),
                "archive_timestamp": TIMESTAMP,
                "locked": False,
            },
        }
        self.channels[thread_id] = thread
        self.fake.channel_guilds[thread_id] = guild_id
        self.fake.pending_events.append(("THREAD_CREATE", dict(thread, newly_created=True)))
        answer = dict(thread)
        if forum:
            # The starter message of a forum post has the post's id.
            starter = self.fake.message_payload(thread_id, body["message"])
            starter["id"] = str(thread_id)
            self.fake.store(starter)
            answer["message"] = starter
        return respond(answer, 201)

    def fake_bot_id(self) -> str:
        from tests.discord_fake.payloads import BOT_ID

        return str(BOT_ID)


def poll_response(poll: dict[str, Any]) -> dict[str, Any]:
    """A created poll as Discord returns it: answers numbered from 1, no results yet."""
    return {
        "question": poll["question"],
        "answers": [
            {"answer_id": i, "poll_media": answer["poll_media"]}
            for i, answer in enumerate(poll["answers"], 1)
        ],
        "expiry": TIMESTAMP,
        "allow_multiselect": bool(poll.get("allow_multiselect", False)),
        "layout_type": int(poll.get("layout_type") or 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def _has_content(message: dict[str, Any]) -> bool:
    return bool(message.get("content") or message.get("embeds") or message.get("poll"))
