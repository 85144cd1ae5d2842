"""`privacy optout|optin|delete|show`: members decide what is kept about them.

An opt-out takes effect at once: the recorder drops the member's events from then on,
forgets what its buffer holds about them, and their kept rows are deleted under the
recorder's lock (so a batch already taken cannot land after the deletion).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import Args, CommandSet
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.core.replies import Reply
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import ParticipationRepo


class Privacy:
    def __init__(
        self,
        repo: ParticipationRepo,
        recorder: Recorder,
        clock: Clock,
        others: Sequence[MemberData] = (),
    ) -> None:
        self.repo = repo
        self.others = others  # other features' data about members (quiz answers...)
        self.recorder = recorder
        self.clock = clock
        self.opted_out = recorder.opted_out

    async def load(self) -> None:
        self.opted_out.clear()
        self.opted_out.update(await self.repo.opt_outs())

    def is_opted_out(self, platform: str, user_id: str) -> bool:
        """Other recorders ask this before keeping anything about a member."""
        return (platform, user_id) in self.opted_out

    async def delete(self, platform: str, user_id: str, opt_out: bool) -> None:
        if opt_out:
            self.opted_out.add((platform, user_id))
        self.recorder.forget(platform, user_id)
        async with self.recorder.lock:
            if opt_out:
                await self.repo.opt_out(platform, user_id, self.clock.now().isoformat())
            await self.repo.delete_member(platform, user_id)
        for other in self.others:
            await other.forget(MemberRef(platform, user_id))

    async def opt_in(self, platform: str, user_id: str) -> bool:
        self.opted_out.discard((platform, user_id))
        async with self.recorder.lock:
            return await self.repo.opt_in(platform, user_id)

    def commands(self) -> CommandSet:
        cs = CommandSet()

        @cs.command(
            "privacy optout",
            "Stop recording your participation and delete what was kept",
        )
        async def optout(ctx: CommandContext, args: Args) -> Reply:
            await self.delete(ctx.place.platform, ctx.caller.user_id, opt_out=True)
            return Reply(
                text="Done: your participation is no longer recorded, and what was kept about "
                "you (activity counts, check-ins, your display name, your answers in finished quizzes) is deleted. "
                f"{ctx.prefix}privacy optin to take part again.",
                private=True,
            )

        @cs.command("privacy optin", "Record your participation again")
        async def optin(ctx: CommandContext, args: Args) -> Reply:
            was = await self.opt_in(ctx.place.platform, ctx.caller.user_id)
            text = (
                "Welcome back: your participation is recorded again from now on."
                if was
                else "You had not opted out: your participation is recorded."
            )
            return Reply(text=text, private=True)

        @cs.command(
            "privacy delete",
            "Delete what is kept about you (recording goes on; optout stops it)",
        )
        async def delete(ctx: CommandContext, args: Args) -> Reply:
            await self.delete(ctx.place.platform, ctx.caller.user_id, opt_out=False)
            return Reply(
                text="Done: what was kept about you (activity counts, check-ins, your display "
                "name, your answers in finished quizzes) is deleted. Recording goes on from now; "
                f"{ctx.prefix}privacy optout stops it.",
                private=True,
            )

        @cs.command("privacy show", "What is kept about you")
        async def show(ctx: CommandContext, args: Args) -> Reply:
            platform, user_id = ctx.place.platform, ctx.caller.user_id
            await self.recorder.flush()
            kept = await self.repo.kept_about(platform, user_id)
            lines = [f"Your id: {platform}:{user_id}."]
            if self.is_opted_out(platform, user_id):
                lines.append(
                    "You opted out: nothing is recorded about you; only the opt-out itself "
                    "(your id and its date) is kept, so that it can be honoured."
                )
            name = kept["display_name"]
            lines.append(f"Display name kept: {name}." if name else "No display name is kept.")
            rows = kept["daily_rows"]
            if rows:
                lines.append(
                    f"{rows} daily row(s) from {kept['first_day']} to {kept['last_day']} in "
                    f"{kept['groups']} group(s): per day, channel and chapter, counts of your "
                    "messages, thread replies, reactions, quiz answers and commands."
                )
            else:
                lines.append("No daily activity rows.")
            checkins = kept["checkins"]
            assert isinstance(checkins, list)
            lines.append(
                "Chapters checked in: " + ", ".join(str(c) for c in checkins) + "."
                if checkins
                else "No check-ins."
            )
            for other in self.others:
                line = await other.describe(MemberRef(platform, user_id))
                if line:
                    lines.append(line)
            lines.append("What you write in the channel is never kept.")
            return Reply(title="What is kept about you", text="\n".join(lines), private=True)

        return cs
