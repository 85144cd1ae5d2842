"""Text from content and members (quotes, display names) must never ping a whole server
or room. Adapters escape their own markup; this defuses the mass mentions every platform
knows: @everyone and @here (Discord), @room (Matrix)."""

from __future__ import annotations

import re

ZWSP = "\u200b"  # a zero-width space after the @ breaks the mention, invisibly
_MASS_MENTION = re.compile(r"@(?=(?:everyone|here|room)\b)", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """`text` with @everyone, @here and @room defused (any case); the rest unchanged."""
    return _MASS_MENTION.sub("@" + ZWSP, text)
