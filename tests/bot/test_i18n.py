"""Every user-facing string exists in English and Bahasa Indonesia, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import LOCALES, catalog, normalize_locale, placeholders, translate

ROOT = Path(__file__).resolve().parents[2]
_KEY = r"""["']([a-z]+\.[a-z_]+[a-z])["']"""
KEY_IN_CODE = re.compile(rf"(?:\b(?:t|translate|fail|tc|_say)\(\s*{_KEY}|\b(?:help_key|key)={_KEY})")


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalog("en")) == set(catalog("id"))


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_placeholders_match_across_languages(key: str) -> None:
    assert placeholders(catalog("en")[key]) == placeholders(catalog("id")[key])


@pytest.mark.parametrize("key", sorted(catalog("id")))
def test_indonesian_is_not_an_english_copy(key: str) -> None:
    en, id_ = catalog("en")[key], catalog("id")[key]
    assert en != id_ or len(en) < 25 or ("{" in en and len(re.sub(r"\{[^}]*\}", "", en).strip()) < 25)


def test_every_key_named_in_the_code_exists() -> None:
    missing, found = set(), set()
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "adapters").rglob("*.py")):
        for groups in KEY_IN_CODE.findall(path.read_text(encoding="utf-8")):
            key = next(g for g in groups if g)
            found.add(key)
            if key not in catalog("en"):
                missing.add((path.name, key))
    assert len(found) > 40, "the key pattern no longer finds the code's messages"
    assert not missing


def test_locales_are_normalised() -> None:
    assert normalize_locale("id-ID") == "id"
    assert normalize_locale("en_GB") == "en"
    assert normalize_locale("fr") == "en"
    assert normalize_locale(None) == "en"
    assert LOCALES == ("en", "id")


def test_a_message_is_formatted_in_the_asked_language() -> None:
    assert translate("common.error", "id", error_id="ab12").startswith("Maaf")
