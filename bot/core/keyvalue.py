"""Small values an adapter keeps across restarts (a hash of the synced Discord commands,
which message carries a question's buttons). The composition root hands adapters an
implementation; adapters never see the database."""

from __future__ import annotations

from typing import Protocol


class KeyValueStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...

    async def delete(self, key: str) -> None: ...
