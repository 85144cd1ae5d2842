"""Text from content and members (quotes, display names) must never ping a whole server
or room. Adapters escape their own markup; this defuses the mass mentions every platform
knows: @everyone and @here (Discord), @room (Matrix)."""

from __future__ import annotations

import re

ZWSP = "\u200b"  # a zero-width space after the @ breaks the mention, invisibly
# @everyone and @here whatever follows them: Discord pings on `@here0` and `@everyone点`
# too (letters, digits or marks of any script after the name), so the name alone decides;
# a word that merely starts so (`@hereafter`) gets the invisible space as well, harmless.
# Matrix's @room notifies as a whole word only.
_MASS_MENTION = re.compile(r"@(?=everyone|here|room\b)", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """`text` with @everyone and @here (whatever follows them) and @room defused, in any
    case; the rest unchanged."""
    return _MASS_MENTION.sub("@" + ZWSP, text)
