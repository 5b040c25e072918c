"""Words of time in English and Bahasa Indonesia, and the text normaliser every reader step shares."""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    """A word set written as one string, to keep the vocabulary readable."""
    return frozenset(text.split())


MONTHS: dict[str, int] = {
    "january": 1, "januari": 1, "jan": 1,
    "february": 2, "februari": 2, "pebruari": 2, "feb": 2,
    "march": 3, "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5, "mei": 5,
    "june": 6, "juni": 6, "jun": 6,
    "july": 7, "juli": 7, "jul": 7,
    "august": 8, "agustus": 8, "aug": 8, "agu": 8, "agt": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oktober": 10, "oct": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11,
    "december": 12, "desember": 12, "dec": 12, "des": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "senin": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "selasa": 1,
    "wednesday": 2, "wed": 2, "rabu": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "kamis": 3,
    "friday": 4, "fri": 4, "jumat": 4,
    "saturday": 5, "sat": 5, "sabtu": 5,
    "sunday": 6, "sun": 6, "minggu": 6, "ahad": 6,
}  # fmt: skip

ID_WORDS = _words(
    "besok lusa kemarin nanti jam pukul pkl pagi siang sore malam tanggal tgl hari ini depan lagi menit "
    "detik setengah seminggu sehari sejam minggu bulan setiap tiap dan sampai sebelum kerja dalam pada "
    "senin selasa rabu kamis jumat sabtu ahad januari februari maret mei juni juli agustus oktober "
    "desember tengah akhir"
)
EN_WORDS = _words(
    "tomorrow today tonight yesterday at on in next this every morning afternoon evening night noon "
    "midnight hours hour minutes minute days day weeks week am pm before until of the and monday tuesday "
    "wednesday thursday friday saturday sunday january february march june july august october december "
    "business working end"
)

VAGUE = _words(
    "soon later sometime someday whenever eventually asap now nanti segera kapan-kapan kapan nantinya "
    "secepatnya sekarang"
)
FILLERS = _words("at on the of by pada di ke tanggal tgl hari jam pukul pkl")

MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[,;!?()\"“”]")
_AT_SIGN = re.compile(r"(?:^|\s)@(?=\s|\d)")


def normalise(text: str) -> str:
    """Lower-case, unify a.m./p.m. and apostrophes, drop punctuation so the patterns stay simple."""
    out = unicodedata.normalize("NFKC", text).lower()
    out = out.replace("'", "").replace("’", "").replace("a.m.", "am").replace("p.m.", "pm")
    out = _PUNCT.sub(" ", out)
    out = _AT_SIGN.sub(" at ", out)  # "tomorrow @ 10", "Friday @5pm": chat shorthand for "at"
    out = _SPACES.sub(" ", out).strip()
    return out.rstrip(".").strip()


def phrase_language(text: str, lang: str) -> str:
    """'id' or 'en' from the phrase's own words; the member's language only breaks a tie."""
    words = set(text.split())
    has_id, has_en = bool(words & ID_WORDS), bool(words & EN_WORDS)
    if has_id != has_en:
        return "id" if has_id else "en"
    return "id" if lang == "id" else "en"


def leftover_words(text: str) -> list[str]:
    """Words not consumed by any pattern, ignoring the connecting words that carry no meaning."""
    return [w for w in text.split() if w not in FILLERS]
