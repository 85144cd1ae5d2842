"""Times of day written as 24-hour HH:MM, as members and config files give them."""

from __future__ import annotations

import re
from datetime import time

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time(raw: str) -> time:
    """'09:00' -> 09:00. Raises ValueError("expected ...") for anything else."""
    match = _TIME.match(raw.strip())
    if not match:
        raise ValueError("expected a 24-hour time HH:MM, like 09:00 or 18:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError("expected a 24-hour time HH:MM with hours 00-23 and minutes 00-59")
    return time(hour, minute)


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"
