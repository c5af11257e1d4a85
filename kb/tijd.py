"""Stored times as people in the Netherlands read them.

The database keeps naive UTC (kb.models). Shown as is, a Dutch reader would see times
one or two hours early, and just after midnight the previous day. Pages (the `lokaal`
template filter) and reports written in kb (the intervisie verslag) both use this.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NEDERLAND = ZoneInfo("Europe/Amsterdam")


def lokaal(tijd: datetime | None, formaat: str = "%d-%m-%Y %H:%M") -> str:
    """A stored time as the clock in the Netherlands shows it (summer and winter time)."""
    if tijd is None:
        return ""
    if tijd.tzinfo is None:
        tijd = tijd.replace(tzinfo=UTC)
    return tijd.astimezone(NEDERLAND).strftime(formaat)
