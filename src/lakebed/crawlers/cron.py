"""Glue's schedule expressions, ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``
in UTC, parsed and evaluated (the next time they fire after a given time).

The grammar is AWS's (docs.aws.amazon.com/glue/latest/dg/monitor-data-warehouse-schedule.html):
``,`` lists, ``-`` ranges, ``*`` all, ``/`` steps, ``?`` "any" in exactly one of the two day
fields, ``L`` last (day of month, or ``5L`` the last Thursday), ``W`` the weekday nearest a
day of the month (``15W``, ``LW``), ``#`` the n-th weekday of the month (``3#2``: the second
Tuesday). Days of the week run 1-7 from Sunday (or SUN-SAT), months 1-12 (or JAN-DEC),
years 1970-2199.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lakebed.errors import InvalidInputError

_EXPRESSION = re.compile(r"^\s*cron\((.*)\)\s*$", re.IGNORECASE)
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_LAST_YEAR = 2199


def as_utc(moment: datetime) -> datetime:
    """An aware UTC time (SQLite hands back naive UTC times)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _error(expression: str, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"Schedule '{expression}' is not a valid cron expression: {why}. Use cron(Minutes "
        "Hours Day-of-month Month Day-of-week Year), e.g. cron(15 12 * * ? *).",
        code="INVALID_SCHEDULE",
    )


def _values(
    text: str, lo: int, hi: int, names: dict[str, int], what: str, expression: str
) -> frozenset[int]:
    """The values of a plain field (lists, ranges, steps, ``*``)."""
    out: set[int] = set()

    def number(token: str) -> int:
        token = token.upper()
        value = names[token] if token in names else int(token) if token.isdigit() else None
        if value is None or not lo <= value <= hi:
            raise _error(expression, f"{what} value '{token}' is not in {lo}-{hi}")
        return value

    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise _error(expression, f"{what} step '{step_text}' is not a positive number")
            step = int(step_text)
        if body in ("*", "?"):
            first, last = lo, hi
        elif "-" in body:
            a, _, b = body.partition("-")
            first, last = number(a), number(b)
            if first > last:
                raise _error(expression, f"{what} range '{body}' runs backwards")
        else:
            first = number(body)
            last = hi if step_text else first
        out.update(range(first, last + 1, step))
    return frozenset(out)


@dataclass(frozen=True)
class _DaysOfMonth:
    days: frozenset[int]
    last: bool = False
    last_weekday: bool = False
    nearest_weekday: frozenset[int] = frozenset()

    def matching(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        out = {d for d in self.days if d <= length}
        if self.last:
            out.add(length)
        targets = set(self.nearest_weekday) | ({length} if self.last_weekday else set())
        for day in targets:
            if day > length:
                continue
            wd = calendar.weekday(year, month, day)  # Monday 0 … Sunday 6
            if wd == 5:  # Saturday: the Friday before, or the Monday after on the 1st
                day = day - 1 if day > 1 else day + 2
            elif wd == 6:  # Sunday: the Monday after, or the Friday before on the last day
                day = day + 1 if day < length else day - 2
            out.add(day)
        return out


@dataclass(frozen=True)
class _DaysOfWeek:
    days: frozenset[int]  # 1 = Sunday … 7 = Saturday
    last_of: frozenset[int] = frozenset()
    nth: frozenset[tuple[int, int]] = frozenset()

    def matching(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        out = set()
        for day in range(1, length + 1):
            dow = (calendar.weekday(year, month, day) + 1) % 7 + 1
            if (
                dow in self.days
                or (dow in self.last_of and day + 7 > length)
                or (dow, (day - 1) // 7 + 1) in self.nth
            ):
                out.add(day)
        return out


@dataclass(frozen=True)
class CronSchedule:
    """A parsed ``cron(...)`` schedule."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: _DaysOfMonth | _DaysOfWeek
    months: frozenset[int]
    years: frozenset[int]

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        """Parse a Glue schedule expression.

        Raises:
            InvalidInputError: it is not a valid ``cron(...)`` expression (INVALID_SCHEDULE).
        """
        m = _EXPRESSION.match(expression or "")
        if m is None:
            raise _error(expression, "it must look like cron(...)")
        fields = m.group(1).split()
        if len(fields) != 6:
            raise _error(expression, f"it has {len(fields)} fields, not 6")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise _error(expression, "exactly one of Day-of-month and Day-of-week must be '?'")
        days = (
            _days_of_week(dow.upper(), expression)
            if dom == "?"
            else _days_of_month(dom.upper(), expression)
        )
        return cls(
            expression,
            _values(minute, 0, 59, {}, "Minutes", expression),
            _values(hour, 0, 23, {}, "Hours", expression),
            days,
            _values(month, 1, 12, _MONTHS, "Month", expression),
            _values(year, 1970, _LAST_YEAR, {}, "Year", expression),
        )

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time after ``moment`` (aware, or naive UTC) that the schedule fires, to
        the minute; None when it never fires again.
        """
        start = as_utc(moment).replace(second=0, microsecond=0) + timedelta(minutes=1)
        for year in sorted(y for y in self.years if y >= start.year):
            for month in sorted(self.months):
                if (year, month) < (start.year, start.month):
                    continue
                for day in sorted(self.days.matching(year, month)):
                    if (year, month, day) < (start.year, start.month, start.day):
                        continue
                    same_day = (year, month, day) == (start.year, start.month, start.day)
                    for hour in sorted(self.hours):
                        if same_day and hour < start.hour:
                            continue
                        same_hour = same_day and hour == start.hour
                        for minute in sorted(self.minutes):
                            if same_hour and minute < start.minute:
                                continue
                            return datetime(year, month, day, hour, minute, tzinfo=UTC)
        return None


def _days_of_month(text: str, expression: str) -> _DaysOfMonth:
    plain, last, last_weekday, nearest = [], False, False, set()
    for part in text.split(","):
        if part == "L":
            last = True
        elif part == "LW":
            last_weekday = True
        elif part.endswith("W"):
            day = part[:-1]
            if not day.isdigit() or not 1 <= int(day) <= 31:
                raise _error(expression, f"Day-of-month '{part}' needs a day 1-31 before W")
            nearest.add(int(day))
        else:
            plain.append(part)
    days = _values(",".join(plain), 1, 31, {}, "Day-of-month", expression) if plain else frozenset()
    return _DaysOfMonth(days, last, last_weekday, frozenset(nearest))


def _days_of_week(text: str, expression: str) -> _DaysOfWeek:
    plain, last_of, nth = [], set(), set()

    def day(token: str) -> int:
        return next(iter(_values(token, 1, 7, _DAYS, "Day-of-week", expression)))

    for part in text.split(","):
        if part == "L":
            last_of.add(7)
        elif part.endswith("L"):
            last_of.add(day(part[:-1]))
        elif "#" in part:
            d, _, n = part.partition("#")
            if not n.isdigit() or not 1 <= int(n) <= 5:
                raise _error(expression, f"Day-of-week '{part}' needs a week 1-5 after #")
            nth.add((day(d), int(n)))
        else:
            plain.append(part)
    days = (
        _values(",".join(plain), 1, 7, _DAYS, "Day-of-week", expression) if plain else frozenset()
    )
    return _DaysOfWeek(days, frozenset(last_of), frozenset(nth))
