"""Chapter threads and native polls on Discord, through the REST API.

- A thread: a public thread in the channel (POST /channels/{id}/threads, type 11) whose
  first message carries the opening and the poll; or, when `discord.forum_channel` names
  a forum, a forum post whose starter message carries them, tagged with the chapter
  (the tag is added to the forum when it has none of that name).
- A poll: the message `poll` object (question.text, answers[].poll_media.text, duration
  in whole hours, allow_multiselect); Discord numbers the answers from 1 in order, so
  answer_id n is option n - 1.
- Closing archives and locks the thread (PATCH /channels/{thread}); ending a poll expires
  it (POST /channels/{id}/polls/{message}/expire) and posts the results.
- Votes arrive as MESSAGE_POLL_VOTE_ADD/REMOVE (the GUILD_MESSAGE_POLLS intent).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.http import Route

from bot.adapters.discord.render import Outgoing
from bot.adapters.discord.send import Sender, render_all
from bot.core.outbox import PostError
from bot.core.refs import Caller, Place
from bot.core.replies import Reply
from bot.core.threads import OpenedThread, PollSpec, ThreadSpec, Vote, VoteMode

log = logging.getLogger(__name__)

PLATFORM = "discord"
PUBLIC_THREAD = 11
WEEK_MINUTES = 10080  # a thread archives itself after a week without messages
FORUM_TAGS_LIMIT = 20
NO_PINGS: dict[str, Any] = {"parse": []}


def poll_payload(poll: PollSpec) -> dict[str, Any]:
    """Discord's poll create object; the duration in whole hours."""
    return {
        "question": {"text": poll.question},
        "answers": [{"poll_media": {"text": option}} for option in poll.options],
        "duration": int(poll.hours),
        "allow_multiselect": poll.multiselect,
        "layout_type": 1,
    }


def message_payload(out: Outgoing | None, poll: PollSpec | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if out is not None and out.content:
        payload["content"] = out.content
    if out is not None and out.embed is not None:
        payload["embeds"] = [out.embed.to_dict()]
    if poll is not None:
        payload["poll"] = poll_payload(poll)
    return payload


class DiscordThreads:
    def __init__(self, client: discord.Client, sender: Sender, forum_channel: int | None) -> None:
        self.client = client
        self.sender = sender
        self.forum_channel = forum_channel

    async def _request(self, route: Route, **kwargs: Any) -> Any:
        try:
            return await self.client.http.request(route, **kwargs)
        except discord.Forbidden:
            raise PostError(
                "Discord refused: the bot lacks a permission here (Create Public Threads, "
                "Send Messages in Threads, Manage Threads)."
            ) from None
        except discord.NotFound:
            raise PostError("Discord did not find the channel.") from None
        except discord.HTTPException as exc:
            raise PostError(f"Discord refused it: {exc.status} {exc.text}") from None

    async def _send(self, channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        sent: dict[str, Any] = await self._request(route, json=payload)
        return sent

    async def open_thread(self, place: Place, spec: ThreadSpec) -> OpenedThread:
        messages = render_all([spec.opening])
        if self.forum_channel is not None:
            return await self._forum_post(place, spec, messages)
        route = Route("POST", "/channels/{channel_id}/threads", channel_id=int(place.channel_id))
        created = await self._request(
            route,
            json={"name": spec.title, "type": PUBLIC_THREAD, "auto_archive_duration": WEEK_MINUTES},
        )
        thread_id = int(created["id"])
        poll_id = None
        for i, out in enumerate(messages or [None]):
            last = i == max(len(messages), 1) - 1
            sent = await self._send(thread_id, message_payload(out, spec.poll if last else None))
            if last and spec.poll is not None:
                poll_id = str(sent["id"])
        thread = Place(PLATFORM, place.group_id, place.channel_id, str(thread_id))
        return OpenedThread(thread, f"<#{thread_id}>", poll_id)

    async def _forum_post(
        self, place: Place, spec: ThreadSpec, messages: list[Outgoing]
    ) -> OpenedThread:
        forum = self.forum_channel
        assert forum is not None
        first = messages[0] if messages else None
        body: dict[str, Any] = {
            "name": spec.title,
            "auto_archive_duration": WEEK_MINUTES,
            "message": message_payload(first, spec.poll),
        }
        if spec.tag and (tag := await self._tag(forum, spec.tag)) is not None:
            body["applied_tags"] = [tag]
        route = Route("POST", "/channels/{channel_id}/threads", channel_id=forum)
        created = await self._request(route, json=body)
        thread_id = int(created["id"])
        # The starter message of a forum post has the post's id (and comes back with it).
        starter = (created.get("message") or {}).get("id", thread_id)
        for out in messages[1:]:
            await self._send(thread_id, message_payload(out, None))
        thread = Place(PLATFORM, place.group_id, str(forum), str(thread_id))
        poll_id = str(starter) if spec.poll is not None else None
        return OpenedThread(thread, f"<#{thread_id}>", poll_id)

    async def _tag(self, forum: int, name: str) -> str | None:
        """The forum's tag of this name, added when missing; None when it cannot be."""
        route = Route("GET", "/channels/{channel_id}", channel_id=forum)
        channel = await self._request(route)
        tags = list(channel.get("available_tags") or [])
        for tag in tags:
            if str(tag.get("name", "")).casefold() == name.casefold():
                return str(tag["id"])
        if len(tags) >= FORUM_TAGS_LIMIT:
            log.warning("discord: forum %s has %d tags; the post is not tagged", forum, len(tags))
            return None
        kept = [{k: t[k] for k in ("id", "name", "moderated") if k in t} for t in tags]
        try:
            edited = await self._request(
                Route("PATCH", "/channels/{channel_id}", channel_id=forum),
                json={"available_tags": [*kept, {"name": name[:20]}]},
            )
        except PostError as exc:
            log.warning("discord: could not add the tag %r to forum %s: %s", name, forum, exc)
            return None
        for tag in edited.get("available_tags") or []:
            if str(tag.get("name", "")).casefold() == name[:20].casefold():
                return str(tag["id"])
        return None

    async def close_thread(self, thread: Place) -> bool:
        if thread.thread_id is None:
            return False
        route = Route("PATCH", "/channels/{channel_id}", channel_id=int(thread.thread_id))
        await self._request(route, json={"archived": True, "locked": True})
        return True

    async def post_poll(self, place: Place, poll: PollSpec) -> str:
        channel_id = int(place.thread_id or place.channel_id)
        sent = await self._send(channel_id, message_payload(None, poll))
        return str(sent["id"])

    async def end_poll(self, place: Place, poll_id: str, results: Reply) -> None:
        channel_id = int(place.thread_id or place.channel_id)
        route = Route(
            "POST",
            "/channels/{channel_id}/polls/{message_id}/expire",
            channel_id=channel_id,
            message_id=int(poll_id),
        )
        try:
            await self._request(route)
        except PostError as exc:  # already ended by Discord at its duration
            log.info("discord: poll %s was not expired: %s", poll_id, exc)
        await self.sender.post(place, [results])


def vote_of(
    client: discord.Client, payload: discord.RawPollVoteActionEvent, removed: bool, at: Any
) -> Vote | None:
    """A member's vote event as the core's Vote (None outside a guild, or the bot's own)."""
    if payload.guild_id is None or payload.user_id == (client.user.id if client.user else None):
        return None
    guild = client.get_guild(payload.guild_id)
    member = guild.get_member(payload.user_id) if guild is not None else None
    name = member.display_name if member is not None else str(payload.user_id)
    channel = client.get_channel(payload.channel_id)
    if isinstance(channel, discord.Thread) and channel.parent_id:
        place = Place(PLATFORM, str(payload.guild_id), str(channel.parent_id), str(channel.id))
    else:
        place = Place(PLATFORM, str(payload.guild_id), str(payload.channel_id))
    return Vote(
        place,
        Caller(str(payload.user_id), name),
        str(payload.message_id),
        (payload.answer_id - 1,),
        VoteMode.REMOVE if removed else VoteMode.ADD,
        at,
    )
