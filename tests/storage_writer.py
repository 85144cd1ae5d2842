"""A process that writes to a database as hard as it can, for the two-process test:
`python -m tests.storage_writer DATABASE COUNT` adds 1 to the settings row `counter`
COUNT times, each in its own transaction (read, then write), and says `done`."""

from __future__ import annotations

import asyncio
import sys

from bot.storage.db import connect


async def main(target: str, count: int) -> None:
    db = await connect(target)
    try:
        for _ in range(count):
            async with db.transaction():
                value = await db.fetchval(
                    "SELECT value FROM settings WHERE key = 'counter'" + db.for_update
                )
                await db.execute(
                    "UPDATE settings SET value = ? WHERE key = 'counter'", (str(int(value) + 1),)
                )
    finally:
        await db.close()
    print("done")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
