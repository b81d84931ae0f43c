"""Time rules for adapters: store UTC; read local times without an offset as the source's zone (Europe/Oslo).

Dates without a time become midnight in that zone (keep the plain date in a payload field when it matters).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
LONDON = ZoneInfo("Europe/London")


def to_utc(value: datetime | date | str | None, *, assume: ZoneInfo = OSLO) -> datetime | None:
    """An aware UTC datetime; naive values and plain dates are read in `assume`."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=assume)
        return aware.astimezone(UTC)
    return datetime.combine(value, time(0, 0), tzinfo=assume).astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
