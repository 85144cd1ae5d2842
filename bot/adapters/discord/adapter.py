"""The Discord adapter: a discord.py client that turns gateway events into core calls.

- Slash commands (generated from the core table, see discord_commands) run through
  `Engine.run_named`; a command still running after `defer_after` seconds is deferred.
- Buttons (ChoiceButton, state in the custom id) run the ChoiceSet's pick line.
- Messages and reactions in reading channels are recorded as activity; their text is
  never read (the bot asks for no privileged intent).
- Posts without a command (daily quotes, timed reveals) go through `post`, registered
  as the outbox's Poster for "discord"; private notes (review reminders) through
  `post_private`, as direct messages (direct.py).
- Shards (discord.shard_count / shard_ids): the client is an AutoShardedClient running
  only those shards; only the process with shard 0 syncs the commands; `reaches` tells
  the outbox which guilds' channels this process posts to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.adapters.discord.commands import SlashCommands
from bot.adapters.discord.direct import DirectMessages
from bot.adapters.discord.send import ChoiceButton, Sender
from bot.adapters.discord.sync import SyncRefused, one_line, sync_commands
from bot.adapters.discord.threads import DiscordThreads, vote_of
from bot.config import DiscordConfig
from bot.core.engine import Engine
from bot.core.keyvalue import KeyValueStore
from bot.core.refs import Caller, MemberRef, Place
from bot.core.replies import ChoiceSet, Reply, error

log = logging.getLogger(__name__)

PLATFORM = "discord"
AUTOCOMPLETE_LIMIT = 25
FAILED = "Something went wrong with that command. It has been logged for the moderators."


GATEWAY_TIMEOUT = 30.0


class GatewayUnreachable(Exception):
    """The gateway did not accept a websocket connection."""


async def check_gateway(http: discord.http.HTTPClient) -> None:
    """Open and close one websocket to the gateway discord.py will use. discord.py retries
    a gateway it cannot reach forever (and its first retry fails on an AttributeError),
    so an unreachable gateway at start is found here, as one clear error."""
    url = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        socket = await asyncio.wait_for(
            http.ws_connect(str(url.with_query(v=10, encoding="json"))), GATEWAY_TIMEOUT
        )
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise GatewayUnreachable(
            f"could not connect to Discord's gateway at {url}: {exc or type(exc).__name__}"
        ) from None
    await socket.close()


def intents() -> discord.Intents:
    """Guilds, guild messages and reactions: no privileged intent (no message content)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.guild_reactions = True
    wanted.guild_polls = True  # votes in native polls (not privileged)
    return wanted


class KruzhokClient(discord.Client):
    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            **options,
        )
        self.kruzhok = adapter

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ChoiceButton)
        await self.kruzhok.sync_at_start()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await self.kruzhok.on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.kruzhok.on_message(message)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.kruzhok.on_reaction(payload)

    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.kruzhok.on_poll_vote(payload, removed=False)

    async def on_raw_poll_vote_remove(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.kruzhok.on_poll_vote(payload, removed=True)


class ShardedKruzhokClient(KruzhokClient, discord.AutoShardedClient):
    """The same client on discord.py's AutoShardedClient: it runs the shards the config
    gives (discord.shard_count, discord.shard_ids), one gateway connection each."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild belongs to (Discord's rule)."""
    return (guild_id >> 22) % shard_count


def caller_of(user: discord.abc.User, permissions: discord.Permissions | None) -> Caller:
    roles: tuple[str, ...] = ()
    if isinstance(user, discord.Member):
        roles = tuple(r.name for r in user.roles if not r.is_default())
    moderator = bool(permissions and (permissions.manage_messages or permissions.manage_guild))
    return Caller(str(user.id), user.display_name, moderator, roles)


def place_of(guild_id: int, channel: object, channel_id: int) -> Place:
    if isinstance(channel, discord.Thread) and channel.parent_id:
        return Place(PLATFORM, str(guild_id), str(channel.parent_id), str(channel.id))
    return Place(PLATFORM, str(guild_id), str(channel_id))


class DiscordAdapter:
    platform = PLATFORM

    def __init__(
        self,
        engine: Engine,
        state: KeyValueStore,
        config: DiscordConfig,
        token: str,
        **client_options: Any,
    ) -> None:
        self.engine = engine
        self.config = config
        self._token = token
        # Why the adapter could not start (a refused token); `python -m bot run` exits 2.
        self.failed: str | None = None
        self.slash = SlashCommands(engine.table)
        self.settings = state
        client_class: type[KruzhokClient] = KruzhokClient
        if config.shard_count is not None:
            client_class = ShardedKruzhokClient
            client_options.update(shard_count=config.shard_count, shard_ids=config.shard_ids)
        self.client = client_class(
            self, guild_ready_timeout=config.guild_ready_timeout, **client_options
        )
        self.sender = Sender(self.client, self.settings)
        self.direct = DirectMessages(self.client)
        engine.outbox.register(PLATFORM, self)
        engine.threads.register(
            PLATFORM, DiscordThreads(self.client, self.sender, config.forum_channel)
        )
        for name, slash_name in sorted(self.slash.renamed.items()):
            engine.help_notes.append(f"On Discord, /{name} is /{slash_name}.")

    # -- life -------------------------------------------------------------------------

    async def run(self) -> None:
        """Log in (which syncs the commands), check the gateway answers, then stay
        connected (discord.py reconnects by itself). Whatever stops it sets `failed`, so
        `python -m bot run` exits 2; a known cause is one clear log line, no traceback."""
        try:
            await self.client.login(self._token)
            await check_gateway(self.client.http)
            await self.client.connect(reconnect=True)
        except discord.LoginFailure:
            # The token itself is never logged.
            self._fail(f"Discord refused the bot token (from {self.config.token_env})")
        except (SyncRefused, GatewayUnreachable) as exc:
            self._fail(str(exc))
        except discord.HTTPException as exc:
            self._fail(f"Discord refused a request at start: {one_line(exc)}")
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self._fail(f"could not reach Discord's API: {exc or type(exc).__name__}")
        except discord.ConnectionClosed as exc:
            self._fail(f"Discord closed the gateway connection: {exc.code} {exc.reason}")
        except Exception as exc:  # a bug, here or in discord.py: logged with its traceback
            log.exception("discord: the Discord client stopped on an error")
            self.failed = f"the Discord client stopped on an error: {exc!r}"
        finally:
            if not self.client.is_closed():
                await self.client.close()

    def _fail(self, reason: str) -> None:
        self.failed = reason
        log.error("discord: %s; the Discord adapter stops", reason)

    async def wait_ready(self) -> None:
        """Return once the gateway is connected and the guilds are known (see run_until_done)."""
        await self.client.wait_until_ready()

    async def sync_at_start(self) -> None:
        if not self.config.sync_on_start or self.client.application_id is None:
            return
        if not self.config.syncs_commands():
            log.info(
                "discord: shards %s of %s: the process running shard 0 syncs the slash"
                " commands, not this one",
                self.config.shard_ids,
                self.config.shard_count,
            )
            return
        # A refusal (SyncRefused) stops the start: the commands members see would be stale.
        await sync_commands(
            self.client.http,
            self.client.application_id,
            self.slash,
            self.settings,
            self.config.dev_guild,
        )

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        await self.sender.post(place, replies)

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None:
        """A private note without a command (a review reminder): a direct message."""
        await self.direct.send(user_id, replies)

    def reaches(self, place: Place) -> bool:
        """The place's guild is on one of this process's shards (every guild when the
        process runs all shards). Decided from the config, not the guild cache, so that a
        guild that left still fails its post here rather than nowhere."""
        count = self.config.shard_count
        if count is None or not place.group_id.isdigit():
            return True
        return self.config.runs_shard(shard_of(int(place.group_id), count))

    # -- interactions -----------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        kind = interaction.type
        if kind not in (
            discord.InteractionType.application_command,
            discord.InteractionType.autocomplete,
        ):
            return  # buttons reach on_pick through ChoiceButton
        data: dict[str, Any] = dict(interaction.data or {})
        name = str(data.get("name", "?"))
        try:
            if kind is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction, data)
                return
            resolved = self.slash.resolve(data)
            if resolved is None:
                await self._refuse(interaction, "That command is not known (any more).")
                return
            command, raw, _ = resolved
            name = command.name
            await self._run(
                interaction,
                lambda caller, place: self.engine.run_named(command.name, caller, place, raw),
            )
        except Exception:
            log.exception("discord: interaction /%s failed", name)
            await self._refuse(interaction, FAILED)

    async def on_pick(
        self, interaction: discord.Interaction[Any], command: str, token: str, index: int
    ) -> None:
        if self.engine.table.get(command) is None:
            await self._refuse(interaction, "This button no longer works.")
            return
        line = ChoiceSet(options=(), command=command, token=token).pick_line(index)
        try:
            await self._run(
                interaction,
                lambda caller, place: self.engine.run_line(caller, place, line),
                private_wait=True,
            )
        except Exception:
            log.exception("discord: button %s %s failed", command, token)
            await self._refuse(interaction, FAILED)

    async def _run(
        self,
        interaction: discord.Interaction[Any],
        run: Callable[[Caller, Place], Awaitable[list[Reply]]],
        private_wait: bool = False,
    ) -> None:
        if interaction.guild_id is None:
            await self._refuse(interaction, "Kruzhok's commands work in a server channel.")
            return
        caller = caller_of(interaction.user, interaction.permissions)
        place = place_of(interaction.guild_id, interaction.channel, interaction.channel_id or 0)
        task = asyncio.ensure_future(run(caller, place))
        try:
            replies = await asyncio.wait_for(asyncio.shield(task), self.config.defer_after)
        except TimeoutError:
            # Discord wants an answer within 3 seconds: say "thinking..." and fill it in
            # later. Its privacy is a guess (a button's answer is usually private); the
            # sender replaces it when the answer turns out otherwise.
            await self.sender.defer(interaction, private=private_wait)
            replies = await task
        await self.sender.answer(interaction, replies)

    async def _refuse(self, interaction: discord.Interaction[Any], text: str) -> None:
        try:
            await self.sender.answer(interaction, [error(text)])
        except discord.HTTPException as exc:
            log.warning("discord: could not answer an interaction: %s", exc.status)

    async def _autocomplete(
        self, interaction: discord.Interaction[Any], data: dict[str, Any]
    ) -> None:
        resolved = self.slash.resolve(data)
        choices: list[app_commands.Choice[Any]] = []
        focused = resolved[2] if resolved is not None else None
        if resolved is not None and focused is not None:
            command, (option, current) = resolved[0], focused
            arg = next((a for a in command.args if a.name.lower() == option), None)
            if arg is not None and arg.hint and interaction.guild_id is not None:
                place = place_of(
                    interaction.guild_id, interaction.channel, interaction.channel_id or 0
                )
                member = place.member(caller_of(interaction.user, None))
                choices = await self.suggest(arg.hint, current, place, member)
        await interaction.response.autocomplete(choices[:AUTOCOMPLETE_LIMIT])

    async def suggest(
        self, hint: str, current: str, place: Place, member: MemberRef | None = None
    ) -> list[app_commands.Choice[Any]]:
        """Autocomplete choices for chapters, glossary terms (within the member's spoiler
        line) and timezones, from the core."""
        found = await self.engine.suggest(hint, place, current, member)
        return [
            app_commands.Choice(name=s.name[:100], value=s.value)
            for s in found[:AUTOCOMPLETE_LIMIT]
        ]

    # -- participation ----------------------------------------------------------------

    def _counts(self, channel: object, channel_id: int) -> bool:
        if not self.config.reading_channels:
            return True
        if isinstance(channel, discord.Thread) and channel.parent_id:
            channel_id = channel.parent_id
        return channel_id in self.config.reading_channels

    async def on_message(self, message: discord.Message) -> None:
        """A member's message counts as activity; its text is never passed on."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        if not self._counts(message.channel, message.channel.id):
            return
        caller = caller_of(message.author, None)
        place = place_of(message.guild.id, message.channel, message.channel.id)
        await self.engine.on_message(caller, place, "")

    async def on_poll_vote(self, payload: discord.RawPollVoteActionEvent, removed: bool) -> None:
        """A vote in a native poll goes to the features that listen (a chapter's check-in)."""
        vote = vote_of(self.client, payload, removed, self.engine.clock.now())
        if vote is not None:
            await self.engine.threads.vote(vote)

    def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.guild_id is None or payload.member is None or payload.member.bot:
            return
        channel = self.client.get_channel(payload.channel_id)
        if not self._counts(channel, payload.channel_id):
            return
        caller = caller_of(payload.member, None)
        self.engine.on_reaction(caller, place_of(payload.guild_id, channel, payload.channel_id))
