"""Time zones of ``timestamp with time zone`` values, as Trino (Athena) names them.

A Trino zone is a region (``America/New_York``, case as written in the tz database) or a
fixed offset (``+05:30``); ``UTC``, ``Z``, ``GMT`` and zero offsets are all ``UTC``; offsets
are written ``±HH:MM`` whichever way they were given (``+2``, ``+0200``, ``UTC+02:00``,
``Etc/GMT-2``). ``zone_key`` is that rule (Trino's ``TimeZoneKey.getTimeZoneKey``).

A value keeps its zone through a query as a DuckDB ``STRUCT(lb_instant TIMESTAMPTZ, lb_zone
VARCHAR)`` (``ZONED_DUCKDB``) and reaches Arrow as ``ZonedTimestampType``: an extension
type over that struct (``ZONED_STORAGE``) whose Python values are ``datetime`` objects in
their own zone (``ZoneInfo`` or a fixed offset named ``+05:30``).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from lakebed.arrow_marks import Mark, registered

ZONED_DUCKDB = "STRUCT(lb_instant TIMESTAMP WITH TIME ZONE, lb_zone VARCHAR)"

_UTC_NAMES = frozenset(
    {"UTC", "Z", "GMT", "UT", "UCT", "GMT0", "Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/UT",
     "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu",
     "Greenwich", "Etc/Greenwich"}
)  # fmt: skip
# Java's deprecated three-letter ids (ZoneId.SHORT_IDS): Trino does not take them.
_SHORT_IDS = frozenset(
    {"ACT", "AET", "AGT", "ART", "AST", "BET", "BST", "CAT", "CNT", "CST", "CTT", "EAT", "ECT",
     "EST", "HST", "IET", "IST", "JST", "MIT", "MST", "NET", "NST", "PLT", "PNT", "PRT", "PST",
     "SST", "VST"}
)  # fmt: skip
_OFFSET = re.compile(r"(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?")
_ETC_GMT = re.compile(r"Etc/GMT([+-])(\d{1,2})()")
_MAX_OFFSET_MINUTES = 14 * 60


def offset_key(minutes: int) -> str:
    """The zone of a fixed offset: ``UTC`` for 0, else ``±HH:MM``."""
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


@cache
def _regions() -> frozenset[str]:
    """The region names DuckDB's ICU knows (the ones its ``timezone()`` converts with)."""
    import duckdb

    with duckdb.connect() as con:
        names = {row[0] for row in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    return frozenset(names - _SHORT_IDS)


@lru_cache(maxsize=1024)
def zone_key(text: str) -> str | None:
    """Trino's name for the zone written ``text``, or None when it is not a time zone.

    >>> [zone_key(z) for z in ("Asia/Tokyo", "+2", "-0530", "UTC+02:00", "Z", "Etc/GMT-2", "utc")]
    ['Asia/Tokyo', '+02:00', '-05:30', '+02:00', 'UTC', '+02:00', None]
    """
    if text in _UTC_NAMES:
        return "UTC"
    m = _OFFSET.fullmatch(text) or _ETC_GMT.fullmatch(text)
    if m is not None:
        sign = -1 if m.group(1) == "-" else 1
        if m.re is _ETC_GMT:  # POSIX style: Etc/GMT-2 is two hours ahead of UTC
            sign = -sign
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if int(m.group(3) or 0) >= 60 or minutes > _MAX_OFFSET_MINUTES:
            return None
        return offset_key(sign * minutes)
    return text if text in _regions() else None


def tzinfo(key: str) -> dt.tzinfo:
    """A Python zone for a zone key: ``ZoneInfo`` for a region, a named fixed offset else."""
    if key == "UTC":
        return dt.UTC
    if key[:1] in "+-":
        sign = -1 if key[0] == "-" else 1
        offset = dt.timedelta(hours=int(key[1:3]), minutes=int(key[4:6])) * sign
        return dt.timezone(offset, key)
    return ZoneInfo(key)


class ZonedTimestampScalar(pa.ExtensionScalar):
    """One ``timestamp with time zone`` value: ``as_py`` is a ``datetime`` in its zone."""

    def as_py(self, *args: Any, **kwargs: Any) -> dt.datetime | None:
        """The value as an aware ``datetime`` in its own zone (None for NULL)."""
        value = self.value
        if value is None or not value.is_valid:
            return None
        instant, zone = value["lb_instant"].as_py(), value["lb_zone"].as_py()
        return instant.astimezone(tzinfo(zone))


# DuckDB's zoned struct as Arrow receives it (whole milliseconds in results).
ZONED_STORAGE = pa.struct([("lb_instant", pa.timestamp("us", "UTC")), ("lb_zone", pa.string())])


class ZonedTimestampType(Mark):
    """Arrow's type for Trino's ``timestamp(3) with time zone`` values that keep their zone."""

    storage = ZONED_STORAGE
    name = "lakebed.timestamp_with_time_zone"

    def __arrow_ext_scalar_class__(self) -> type[pa.ExtensionScalar]:
        return ZonedTimestampScalar


ZONED_TIMESTAMP = registered(ZonedTimestampType())


def is_zoned_storage(t: pa.DataType) -> bool:
    """Whether ``t`` is DuckDB's zoned struct not (yet) typed ``ZonedTimestampType``."""
    return t == ZONED_STORAGE
