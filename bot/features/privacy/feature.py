"""The privacy feature: `privacy optout|optin|delete|show` over every feature's member data,
and the opt-out list the participation recorder honours (the composition root hands it
over). It keeps nothing about members but the opt-out itself."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.features.privacy.commands import commands
from bot.features.privacy.repo import OptOutRepo
from bot.features.privacy.service import PrivacyService
from bot.storage.db import Database

log = logging.getLogger(__name__)


class PrivacyFeature(BaseFeature):
    name = "privacy"

    def __init__(self, db: Database, clock: Clock, member_data: Sequence[MemberData]) -> None:
        # `member_data` is filled as the features register; privacy reads it when asked.
        self.service = PrivacyService(OptOutRepo(db), clock, member_data)

    async def load(self) -> None:
        """Read the opt-outs before any event is recorded (digesting those an older
        release kept with ids in clear)."""
        moved = await self.service.repo.digest_legacy()
        if moved:
            log.info("privacy: %d opt-out(s) now kept by digest only", moved)
        await self.service.opt_outs.refresh()

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)
