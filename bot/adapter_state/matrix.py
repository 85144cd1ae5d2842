"""The Matrix adapter's state in the database: the sync token, the event ids it has
handled, the messages that carry choices and the reactions members put on them. The
composition root hands it to the adapter, which sees only the MatrixStore protocol."""

from __future__ import annotations

import json
from datetime import datetime

from bot.adapter_state.matrix_rooms import SqlRoomLinks
from bot.adapters.matrix.state import Withdrawal
from bot.core.refs import MemberRef
from bot.core.replies import ChoiceSet
from bot.storage.db import Database
from bot.storage.settings import SettingsRepo


class SqlMatrixState(SqlRoomLinks):
    def __init__(self, db: Database, user_id: str) -> None:
        self.db = db
        self.settings = SettingsRepo(db)
        self.user_id = user_id
        self._token_key = f"matrix.sync_token:{user_id}"

    def direct_key(self, member: str) -> str:
        return f"matrix.direct:{self.user_id}:{member}"

    async def direct_room(self, member: str) -> str | None:
        return await self.settings.get(self.direct_key(member))

    async def save_direct_room(self, member: str, room_id: str) -> None:
        await self.settings.set(self.direct_key(member), room_id)

    # -- MemberData (privacy show / delete / optout) --------------------------------

    async def describe(self, member: MemberRef) -> str | None:
        if member.platform != "matrix":
            return None
        user_id = member.user_id
        row = await self.db.fetchrow(
            "SELECT COUNT(*) FROM matrix_reactions WHERE user_id = ?", (user_id,)
        )
        picks = int(row[0]) if row else 0
        direct = await self.settings.get(self.direct_key(user_id))
        parts = []
        if picks:
            parts.append(f"{picks} reaction(s) you used to pick a quiz answer")
        if direct:
            parts.append("the id of your direct room with the bot")
        return "Matrix: " + " and ".join(parts) + "." if parts else None

    async def forget(self, member: MemberRef) -> None:
        if member.platform != "matrix":
            return
        user_id = member.user_id
        await self.db.execute("DELETE FROM matrix_reactions WHERE user_id = ?", (user_id,))
        await self.db.execute("DELETE FROM settings WHERE key = ?", (self.direct_key(user_id),))

    # -- sync ------------------------------------------------------------------------

    async def sync_token(self) -> str | None:
        return await self.settings.get(self._token_key)

    async def save_sync_token(self, token: str) -> None:
        await self.settings.set(self._token_key, token)

    async def first_sight(self, event_id: str, at: datetime) -> bool:
        """Mark an event handled; False when it was handled before (a duplicate)."""
        count = await self.db.execute(
            "INSERT INTO matrix_seen_events (event_id, seen_at) VALUES (?, ?) "
            "ON CONFLICT (event_id) DO NOTHING",
            (event_id, at.isoformat()),
        )
        return count == 1

    async def forget_seen_before(self, before: datetime) -> None:
        await self.db.execute(
            "DELETE FROM matrix_seen_events WHERE seen_at < ?", (before.isoformat(),)
        )

    async def save_choices(
        self, event_id: str, room_id: str, choices: ChoiceSet, at: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO matrix_choice_messages "
            "(event_id, room_id, options, command, token, withdraw, posted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            (
                event_id,
                room_id,
                json.dumps(list(choices.options)),
                choices.command,
                choices.token,
                choices.withdraw,
                at.isoformat(),
            ),
        )

    async def choices(self, event_id: str) -> ChoiceSet | None:
        row = await self.db.fetchrow(
            "SELECT options, command, token, withdraw FROM matrix_choice_messages "
            "WHERE event_id = ?",
            (event_id,),
        )
        if row is None:
            return None
        return ChoiceSet(
            options=tuple(json.loads(row["options"])),
            command=row["command"],
            token=row["token"],
            withdraw=row["withdraw"],
        )

    async def add_reaction(
        self, reaction_id: str, target_id: str, user_id: str, option: int
    ) -> None:
        row = await self.db.fetchrow(
            "SELECT COALESCE(MAX(seq), 0) FROM matrix_reactions WHERE target_id = ?",
            (target_id,),
        )
        seq = (int(row[0]) if row else 0) + 1
        await self.db.execute(
            "INSERT INTO matrix_reactions (reaction_id, target_id, user_id, option, seq) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (reaction_id) DO NOTHING",
            (reaction_id, target_id, user_id, option, seq),
        )

    async def remove_reaction(self, reaction_id: str) -> Withdrawal | None:
        """Forget a redacted reaction; None when it was not a pick on a choice message."""
        row = await self.db.fetchrow(
            "SELECT target_id, user_id, seq FROM matrix_reactions WHERE reaction_id = ?",
            (reaction_id,),
        )
        if row is None:
            return None
        target_id, user_id, seq = str(row[0]), str(row[1]), int(row[2])
        choices = await self.choices(target_id)
        await self.db.execute("DELETE FROM matrix_reactions WHERE reaction_id = ?", (reaction_id,))
        latest = await self.db.fetchrow(
            "SELECT option, seq FROM matrix_reactions WHERE target_id = ? AND user_id = ? "
            "ORDER BY seq DESC LIMIT 1",
            (target_id, user_id),
        )
        if choices is None:
            return None
        if latest is None:
            return Withdrawal(target_id, user_id, choices, None, True)
        return Withdrawal(target_id, user_id, choices, int(latest[0]), seq > int(latest[1]))
