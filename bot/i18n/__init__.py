"""Message catalogs: every user-facing string comes from here, in English and Bahasa Indonesia.

Catalogs live in `catalogs/<locale>/<domain>.toml`; a key is `<domain>.<name>` and values are
`str.format` templates. A test keeps both languages complete and their placeholders equal.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

CATALOGS = Path(__file__).with_name("catalogs")
LOCALES: tuple[str, ...] = ("en", "id")
DEFAULT_LOCALE = "en"


def _flatten(prefix: str, data: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(locale: str) -> dict[str, str]:
    """All messages of one locale, loaded once."""
    out: dict[str, str] = {}
    for path in sorted((CATALOGS / locale).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), out)
    return out


@lru_cache(maxsize=256)
def normalize_locale(locale: str | None) -> str:
    """'id_ID', 'id-ID', 'ID' → 'id'; anything else → English (remembered: every reply asks many times)."""
    if not locale:
        return DEFAULT_LOCALE
    base = locale.replace("-", "_").split("_")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(key: str, locale: str | None = None, /, **values: Any) -> str:
    """The message `key` in `locale` (English when missing there), formatted with `values`."""
    loc = normalize_locale(locale)
    template = catalog(loc).get(key) or catalog(DEFAULT_LOCALE).get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in any catalog")
    return template.format(**values) if values else template


t = translate
