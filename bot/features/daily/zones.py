"""Which timezone a moderator means by what they type.

An IANA city zone (Europe/London) is taken as it is. A fixed offset (`EST`, `UTC+3`,
`Etc/GMT-3`) is taken with a warning: it ignores daylight saving, so the post moves an
hour against local clocks for part of the year; the warning names a city zone to use
instead. A common abbreviation that is no fixed offset (`BST`, `CET`, `MSK`) is refused
with the current city zones it stands for, never a deprecated alias (`W-SU`, `US/Eastern`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.features.daily.schedule import closest_timezones, find_timezone

# Abbreviations people type for a place's clock, with the city zones that keep it.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "gmt": ("Europe/London",),
    "bst": ("Europe/London",),
    "wet": ("Europe/Lisbon",),
    "west": ("Europe/Lisbon",),
    "cet": ("Europe/Paris", "Europe/Berlin"),
    "cest": ("Europe/Paris", "Europe/Berlin"),
    "met": ("Europe/Paris", "Europe/Berlin"),
    "mest": ("Europe/Paris", "Europe/Berlin"),
    "eet": ("Europe/Athens", "Europe/Helsinki"),
    "eest": ("Europe/Athens", "Europe/Helsinki"),
    "msk": ("Europe/Moscow",),
    "est": ("America/New_York",),
    "edt": ("America/New_York",),
    "est5edt": ("America/New_York",),
    "cst": ("America/Chicago",),
    "cdt": ("America/Chicago",),
    "cst6cdt": ("America/Chicago",),
    "mst": ("America/Denver", "America/Phoenix"),
    "mdt": ("America/Denver",),
    "mst7mdt": ("America/Denver",),
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "pst8pdt": ("America/Los_Angeles",),
    "akst": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "aest": ("Australia/Sydney",),
    "aedt": ("Australia/Sydney",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
    "sast": ("Africa/Johannesburg",),
}

# A city zone whose standard time has each whole-hour offset, for the fixed-offset warning.
CITY_BY_OFFSET: dict[int, str] = {
    -10: "Pacific/Honolulu",
    -9: "America/Anchorage",
    -8: "America/Los_Angeles",
    -7: "America/Denver",
    -6: "America/Chicago",
    -5: "America/New_York",
    -4: "America/Halifax",
    -3: "America/Sao_Paulo",
    -2: "America/Noronha",
    -1: "Atlantic/Azores",
    0: "Europe/London",
    1: "Europe/Paris",
    2: "Europe/Athens",
    3: "Europe/Moscow",
    4: "Asia/Dubai",
    5: "Asia/Tashkent",
    6: "Asia/Dhaka",
    7: "Asia/Bangkok",
    8: "Asia/Shanghai",
    9: "Asia/Tokyo",
    10: "Australia/Sydney",
    11: "Pacific/Noumea",
    12: "Pacific/Auckland",
}

# Zero offset by name: nothing to warn about (there is no summer time to miss).
UTC_NAMES = frozenset(
    {"utc", "etc/utc", "uct", "etc/uct", "zulu", "etc/zulu", "universal", "etc/universal"}
)

_OFFSET = re.compile(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")


def looks_like_timezone(raw: str) -> bool:
    """Whether a word given by position is meant as a timezone: Area/City, a name the zone
    database knows (UTC), a common abbreviation (BST) or an offset (UTC+3)."""
    word = raw.strip().lower()
    return (
        "/" in word
        or word in ABBREVIATIONS
        or _OFFSET.fullmatch(word) is not None
        or find_timezone(raw) is not None
    )


@dataclass(frozen=True)
class ZoneChoice:
    """The IANA name to keep, and what the moderator should know about it."""

    name: str
    warning: str | None = None


def _offsets(zone: ZoneInfo, year: int) -> set[timedelta | None]:
    return {datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}


def is_fixed(name: str, year: int) -> bool:
    """Whether the zone keeps one offset all year (no daylight saving)."""
    return len(_offsets(ZoneInfo(name), year)) == 1


def _cities(names: tuple[str, ...]) -> str:
    return " or ".join(names)


def _fixed_warning(shown: str, offset: timedelta, cities: tuple[str, ...]) -> str:
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "-"
    city = _cities(cities) if cities else None
    text = (
        f"{shown} is a fixed offset (UTC{sign}{hours:02d}:{rest:02d}) that ignores daylight "
        "saving: where clocks change, the post comes an hour off for part of the year"
    )
    if city:
        text += f"; for a city's local time use its zone, such as {city}"
    return text


def resolve_timezone(raw: str, year: int) -> ZoneChoice:
    """The zone `raw` names, or ValueError saying what to type instead."""
    shown = raw.strip()
    low = shown.lower()
    match = _OFFSET.fullmatch(low.replace(" ", ""))
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        signed = -hours if sign == "-" else hours
        if minutes or not -12 <= signed <= 14:
            raise ValueError(
                f"{shown!r} is not an offset the timezone database has (whole hours from "
                "UTC-12 to UTC+14); use a city zone (Area/City, like Asia/Kolkata)."
            )
        if signed == 0:
            return ZoneChoice("UTC")
        # The Etc zones count the other way: Etc/GMT-3 is three hours ahead of UTC.
        etc = f"Etc/GMT{'-' if signed > 0 else '+'}{hours}"
        city = CITY_BY_OFFSET.get(signed)
        return ZoneChoice(
            etc,
            _fixed_warning(shown, timedelta(hours=signed), (city,) if city else ())
            + f" (kept as {etc})",
        )
    name = find_timezone(shown)
    cities = ABBREVIATIONS.get(low, ())
    if name is None or (cities and not is_fixed(name, year)):
        if cities:
            raise ValueError(
                f"{shown!r} is an abbreviation, not a timezone name: use the city zone "
                f"whose clock you mean, {_cities(cities)} (a city zone keeps the local "
                "time, daylight saving included)."
            )
        close = closest_timezones(shown)
        raise ValueError(
            f"{shown!r} is not an IANA timezone name (Area/City, like Europe/London)."
            + (f" Closest: {', '.join(close)}." if close else "")
        )
    city_zone = "/" in name and not low.startswith("etc/")
    if low in UTC_NAMES or city_zone or not is_fixed(name, year):
        return ZoneChoice(name)  # a city without daylight saving (Asia/Tokyo) is fine too
    offset = datetime(year, 1, 1, tzinfo=ZoneInfo(name)).utcoffset() or timedelta(0)
    if not cities:
        whole, rest = divmod(int(offset.total_seconds()), 3600)
        city = CITY_BY_OFFSET.get(whole) if not rest else None
        cities = (city,) if city else ()
    return ZoneChoice(name, _fixed_warning(shown, offset, cities))
