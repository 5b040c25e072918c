"""Score Rekan's time reader against the blind corpus: ``python -m bench.accuracy``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.time_corpus import CASES, REFUSE, Case
from bot.time.reading import read_time

RIGHT = "right"
REFUSED = "refused"
WRONG = "WRONG"


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    said: str


def _now(case: Case) -> datetime:
    return datetime.fromisoformat(case.now).astimezone(ZoneInfo(case.zone))


def score(case: Case) -> Outcome:
    try:
        result = read_time(case.text, zone=case.zone, now=_now(case), lang=case.lang)
    except Exception as exc:  # a crash is a bug, but the user is not silently misled
        return Outcome(case, REFUSED, f"CRASH {type(exc).__name__}: {exc}")
    at = getattr(result, "at", None)
    if not isinstance(at, datetime):
        said = f"refused ({getattr(result, 'reason', type(result).__name__)})"
        return Outcome(case, RIGHT if case.expect == REFUSE else REFUSED, said)
    said = at.isoformat()
    # Compare instants, not datetimes: PEP 495 makes == between different tzinfos False
    # whenever one side falls in a repeated (fall-back) hour.
    if case.expect != REFUSE and at.timestamp() == datetime.fromisoformat(case.expect).timestamp():
        return Outcome(case, RIGHT, said)
    return Outcome(case, WRONG, said)


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:5.1f}%" if total else "  n/a"


def main() -> None:
    outcomes = [score(case) for case in CASES]
    for lang in ("en", "id"):
        mine = [o for o in outcomes if o.case.lang == lang]
        counts = Counter(o.verdict for o in mine)
        total = len(mine)
        print(
            f"{lang}: {total} cases  right {_pct(counts[RIGHT], total)}  "
            f"refused {_pct(counts[REFUSED], total)}  wrong {_pct(counts[WRONG], total)}"
        )
    for verdict in (WRONG, REFUSED):
        listed = [o for o in outcomes if o.verdict == verdict]
        print(f"\n{verdict} ({len(listed)}):")
        for o in listed:
            c = o.case
            print(f"  [{c.lang}] {c.text!r}  now={c.now} zone={c.zone}  expected={c.expect}  got={o.said}")


if __name__ == "__main__":
    main()
