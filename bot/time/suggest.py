"""Zone names for a picker (Discord autocomplete): what was typed, matched on zone and city names."""

from __future__ import annotations

from datetime import datetime

from bot.time.zones import lookup_zone, present_day_zones

LIMIT = 25
"""Discord shows at most 25 suggestions."""
POPULAR = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Kolkata", "Asia/Kathmandu",
           "Asia/Singapore", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
           "UTC")


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ").lower()


def suggest_zones(text: str, *, at: datetime | None = None, limit: int = LIMIT) -> list[str]:
    """Best first: what the full lookup reads (WIB, a country, a city), then name prefixes, then parts."""
    typed = " ".join(text.strip().lower().replace("_", " ").split())
    if not typed:
        return list(POPULAR[:limit])
    found = lookup_zone(text, at=at)
    ranked = ([found.zone] if found.zone else []) + [c.zone for c in found.candidates]
    zones = sorted(present_day_zones())
    ranked += [z for z in zones if _city(z).startswith(typed) or z.lower().startswith(typed)]
    ranked += [z for z in zones if typed in z.lower().replace("_", " ")]
    return list(dict.fromkeys(ranked))[:limit]
