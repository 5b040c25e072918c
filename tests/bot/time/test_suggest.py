"""Zone suggestions for a picker: typed fragments, abbreviations, countries and typos all lead somewhere."""

from __future__ import annotations

import pytest

from bot.time.suggest import LIMIT, suggest_zones


@pytest.mark.parametrize(("typed", "first"), [
    ("jak", "Asia/Jakarta"), ("WIB", "Asia/Jakarta"), ("new y", "America/New_York"),
    ("kath", "Asia/Kathmandu"), ("berln", "Europe/Berlin"), ("Bangalore", "Asia/Kolkata"),
])
def test_what_was_typed_comes_first(typed: str, first: str) -> None:
    assert suggest_zones(typed)[0] == first


def test_a_country_offers_each_of_its_zones() -> None:
    assert suggest_zones("Indonesia")[:3] == ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


def test_nothing_typed_offers_the_common_zones_and_never_more_than_discord_shows() -> None:
    assert "Asia/Jakarta" in suggest_zones("")
    assert len(suggest_zones("a")) == LIMIT


def test_nonsense_suggests_nothing() -> None:
    assert suggest_zones("zzzz") == []
