"""The Matrix sync lease (the adapter's SyncLease) over a named lease in the database, paced
by the injected clock: a waiting process tries again every `every`, the holder renews every
`every`, and a row lease not renewed for `ttl` is free for another process to take."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from bot.config import MatrixConfig
from bot.core.clock import Clock
from bot.storage.db import Database
from bot.storage.lease import NamedLease, open_lease

log = logging.getLogger(__name__)


def holder_id() -> str:
    """Names this process among the lease's contenders (host, pid, and a random part in
    case a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def matrix_sync_lease(db: Database, clock: Clock, config: MatrixConfig) -> ClockedLease:
    """The lease on the sync stream of the account `config.user_id`."""
    ttl = timedelta(seconds=config.lease_timeout)
    lease = open_lease(db, f"matrix.sync:{config.user_id}", holder_id(), ttl)
    return ClockedLease(lease, clock, timedelta(seconds=config.lease_renew_every), ttl)


class ClockedLease:
    def __init__(self, lease: NamedLease, clock: Clock, every: timedelta, ttl: timedelta) -> None:
        self.lease = lease
        self.clock = clock
        self.every = every
        self.ttl = ttl

    async def try_acquire(self) -> bool:
        try:
            got = await self.lease.take(self.clock.now())
        except Exception:  # the database is away for a moment: not taken this time
            log.exception("lease %s: taking it failed", self.lease.name)
            return False
        if got:
            log.info("lease %s: held by this process (%s)", self.lease.name, self.lease.holder)
        return got

    async def acquire(self) -> None:
        waiting = False
        while not await self.try_acquire():
            if not waiting:
                log.info("lease %s: held by another process; waiting for it", self.lease.name)
                waiting = True
            await self.clock.sleep_until(self.clock.now() + self.every)

    async def keep(self) -> None:
        renewed: datetime = self.clock.now()
        while True:
            await self.clock.sleep_until(self.clock.now() + self.every)
            now = self.clock.now()
            try:
                if await self.lease.renew(now):
                    renewed = now
                    continue
                log.warning("lease %s: lost to another process", self.lease.name)
                return
            except Exception:
                log.exception("lease %s: renewing it failed", self.lease.name)
            if now - renewed >= self.ttl:  # past the deadline: another may hold it now
                log.warning("lease %s: not renewed before its deadline", self.lease.name)
                return

    async def held(self) -> bool:
        try:
            return await self.lease.held()
        except Exception:  # unsure counts as lost: better a pause than two sync streams
            log.exception("lease %s: checking it failed", self.lease.name)
            return False

    async def release(self) -> None:
        try:
            await self.lease.release()
        except Exception:  # its deadline frees it anyway
            log.exception("lease %s: releasing it failed", self.lease.name)
