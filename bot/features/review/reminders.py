"""`review remind on|off`: once a day, at the daily time of the place where the member
asked for it, a private note to the member when items are due. The next time is kept in
the database; a process claims a due reminder with a conditional update, so two processes
never send one twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.outbox import Outbox, PostError
from bot.core.refs import MemberRef, Place
from bot.core.replies import Reply
from bot.core.timeofday import parse_time
from bot.features.review.replies import plural
from bot.features.review.repo import Reminder, ReviewRepo, epoch
from bot.features.review.service import DailyTime, OptedOut, ReviewService

log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


class Reminders:
    def __init__(
        self,
        review: ReviewService,
        outbox: Outbox,
        clock: Clock,
        daily_time: DailyTime,
        is_opted_out: OptedOut,
    ) -> None:
        self.review = review
        self.repo: ReviewRepo = review.repo
        self.outbox = outbox
        self.clock = clock
        self.daily_time = daily_time
        self.is_opted_out = is_opted_out
        # Set by the feature to wake the loop when a reminder is turned on.
        self.changed: Callable[[], None] = _nothing

    async def next_time(self, place: Place, now: datetime) -> datetime:
        """The place's next daily time after `now`."""
        local, zone = await self.daily_time(place)
        at, tz = parse_time(local), ZoneInfo(zone)
        day = now.astimezone(tz).date()
        for ahead in range(3):  # today, tomorrow, or the day after when a DST gap ate it
            when = datetime.combine(day + timedelta(days=ahead), at, tz)
            if when > now:
                return when
        return now + timedelta(days=1)  # pragma: no cover - three days always hold one

    async def turn_on(self, member: MemberRef, place: Place) -> datetime:
        when = await self.next_time(place, self.clock.now())
        await self.repo.set_reminder(member, place, epoch(when))
        self.changed()
        return when

    async def turn_off(self, member: MemberRef) -> bool:
        return await self.repo.drop_reminder(member)

    async def dispatch_due(self, now: datetime) -> int:
        """Send the reminders that are due; returns how many notes were sent."""
        sent = 0
        for reminder in await self.repo.reminders_due(epoch(now)):
            if not self.outbox.reaches(reminder.place):
                continue  # another process serves that platform (or shard)
            try:
                sent += await self._one(reminder, now)
            except Exception:
                log.exception("review: the reminder of %s failed", reminder.member)
        return sent

    async def _one(self, reminder: Reminder, now: datetime) -> int:
        nxt = await self.next_time(reminder.place, now)
        if not await self.repo.claim_reminder(reminder, epoch(nxt)):
            return 0  # another process took it
        member = reminder.member
        if await self.is_opted_out(member):
            await self.repo.drop_reminder(member)
            return 0
        due = await self.repo.count_due(member, self.review.end_of_day(now))
        if due == 0:
            return 0
        note = Reply(
            title="Review reminder",
            text=f"You have {plural(due, 'item')} to review today. Say review when you are "
            "ready; review remind off stops these notes.",
            private=True,
            tags=frozenset({"review-reminder"}),
        )
        try:
            await self.outbox.post_private(reminder.place, member.user_id, [note])
        except PostError as exc:
            log.warning("review: the reminder to %s could not be sent: %s", member, exc)
            return 0
        return 1
