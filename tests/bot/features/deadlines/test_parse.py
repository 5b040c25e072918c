"""How a typed `/deadline add` line is taken apart: title, when, `for` targets, `remind` leads, `urgent`.

`split_add` is given a rating of phrases; these tests use the real time reader, rated the way the
deadline feature rates it (READS for a time or a question about one, REFUSED for a time the reader
refuses, 0 for no time at all), at a fixed instant in Jakarta.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.features.deadlines.parse import (
    READS,
    REFUSED,
    AddText,
    Targets,
    read_leads,
    read_targets,
    split_add,
)
from bot.time.reading import Reading, read_time

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
_NOT_A_TIME = frozenset({"time.not_understood", "time.empty", "time.vague"})


def _rate(phrase: str, lang: str) -> int:
    found = read_time(phrase, zone="Asia/Jakarta", now=NOW, lang=lang)
    if isinstance(found, Reading) or found.choices:
        return READS
    return REFUSED if found.reason not in _NOT_A_TIME else 0


def add(text: str, lang: str = "en") -> AddText:
    """`split_add` with the real reader in the given language."""
    return split_add(text, lambda phrase: _rate(phrase, lang))


# --- split_add: title and when ---------------------------------------------------------------------------


def test_quoted_title_with_when_targets_and_leads() -> None:
    """The full English form: a quoted title, a time, two members and two lead times."""
    parsed = add('"Ship v2.3" Fri 17:00 for <@ayu> <@liam> remind 1d,2h')
    assert (parsed.title, parsed.when) == ("Ship v2.3", "Fri 17:00")
    assert parsed.targets.users == ("ayu", "liam")
    assert parsed.leads == (1440, 120)
    assert parsed.urgent is False
    assert parsed.bad_leads is None


def test_indonesian_repeating_deadline_for_a_channel() -> None:
    """An unquoted Indonesian title before a repeating time, for the #finance channel."""
    parsed = add("Laporan bulanan tiap tanggal 25 jam 17.00 for #finance", lang="id")
    assert (parsed.title, parsed.when) == ("Laporan bulanan", "tiap tanggal 25 jam 17.00")
    assert parsed.targets.channels == ("finance",)
    assert parsed.leads is None


def test_unquoted_title_may_contain_a_weekday() -> None:
    """The when is the longest trailing phrase that reads, so "Friday" in the title stays there."""
    parsed = add("Review Friday report Monday 9am")
    assert (parsed.title, parsed.when) == ("Review Friday report", "Monday 9am")


def test_typographic_quotes_from_slack_autocorrect_are_plain_quotes() -> None:
    parsed = add("\u201cShip it\u201d Fri 17:00")
    assert (parsed.title, parsed.when) == ("Ship it", "Fri 17:00")


def test_single_quotes_also_mark_the_title() -> None:
    parsed = add("'Ship it' Fri 17:00")
    assert (parsed.title, parsed.when) == ("Ship it", "Fri 17:00")


def test_for_inside_the_title_stays_when_no_target_follows() -> None:
    """The words after the first "for" are not a target, so that "for" belongs to the title."""
    parsed = add("Prep for launch Fri 17:00 for <@ayu>")
    assert (parsed.title, parsed.when) == ("Prep for launch", "Fri 17:00")
    assert parsed.targets.users == ("ayu",)


def test_remind_inside_the_title_stays_when_no_lead_follows() -> None:
    parsed = add("Send remind emails Fri 17:00")
    assert (parsed.title, parsed.when) == ("Send remind emails", "Fri 17:00")
    assert parsed.leads is None


def test_a_line_without_a_time_is_all_title() -> None:
    parsed = add("Buy milk")
    assert (parsed.title, parsed.when) == ("Buy milk", "")


def test_an_empty_line_has_no_title_and_no_when() -> None:
    parsed = add("")
    assert (parsed.title, parsed.when) == ("", "")
    assert parsed.targets.empty


def test_a_time_that_reads_is_preferred_over_a_refused_one() -> None:
    """With a stub rating: the longest phrase that reads wins over a longer one that is refused."""
    ratings = {"it tomorrow 9am": REFUSED, "tomorrow 9am": READS, "9am": READS}
    parsed = split_add("Ship it tomorrow 9am", lambda p: ratings.get(p, 0))
    assert (parsed.title, parsed.when) == ("Ship it", "tomorrow 9am")


def test_a_refused_time_is_still_split_off_so_the_refusal_can_explain() -> None:
    """With a stub rating: when nothing reads, the longest refused phrase is the when."""
    ratings = {"yesterday 9am": REFUSED}
    parsed = split_add("Ship report yesterday 9am", lambda p: ratings.get(p, 0))
    assert (parsed.title, parsed.when) == ("Ship report", "yesterday 9am")


def test_apostrophes_inside_an_unquoted_title_are_kept() -> None:
    """Two possessives (Slack turns ' into \u2019) are never taken as quotes, and stay as typed."""
    parsed = add("Bob\u2019s and Ayu\u2019s report Fri 17:00")
    assert (parsed.title, parsed.when) == ("Bob\u2019s and Ayu\u2019s report", "Fri 17:00")
    parsed = add("Bob's and Ayu's report Fri 17:00")
    assert (parsed.title, parsed.when) == ("Bob's and Ayu's report", "Fri 17:00")


def test_a_single_apostrophe_in_an_unquoted_title_is_kept() -> None:
    parsed = add("Bob's report Fri 17:00")
    assert (parsed.title, parsed.when) == ("Bob's report", "Fri 17:00")


# --- split_add: urgent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ship it Fri 17:00 urgent", "en"),
        ("Kirim laporan Jumat 17.00 penting", "id"),
    ],
)
def test_urgent_word_at_the_end_is_a_flag(text: str, lang: str) -> None:
    parsed = add(text, lang)
    assert parsed.urgent is True
    assert "urgent" not in parsed.when and "penting" not in parsed.when


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ship it Fri 17:00 urgent for <@ayu>", "en"),
        ("Kirim laporan Jumat 17.00 penting untuk <@ayu>", "id"),
    ],
)
def test_urgent_word_before_a_for_clause_is_a_flag(text: str, lang: str) -> None:
    parsed = add(text, lang)
    assert parsed.urgent is True
    assert parsed.targets.users == ("ayu",)


def test_urgent_after_the_for_and_remind_clauses_is_a_flag() -> None:
    parsed = add("Ship it Fri 17:00 remind 1d for <@ayu> urgent")
    assert (parsed.urgent, parsed.leads, parsed.targets.users) == (True, (1440,), ("ayu",))


def test_urgent_at_the_start_is_part_of_the_title() -> None:
    parsed = add("urgent fix Fri 17:00")
    assert (parsed.title, parsed.urgent) == ("urgent fix", False)


# --- split_add: targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ship it Fri 17:00 for me", "en"),
        ("Kirim laporan Jumat 17.00 untuk saya", "id"),
    ],
)
def test_for_me_means_the_speaker(text: str, lang: str) -> None:
    parsed = add(text, lang)
    assert parsed.targets == Targets(myself=True)


def test_a_plain_at_name_is_reported_as_unknown_not_guessed() -> None:
    """`@nobody` is a display name, not a `<@id>` mention: Rekan never guesses who it is."""
    parsed = add("Ship it Fri 17:00 for @nobody")
    assert parsed.targets == Targets(unknown=("@nobody",))
    assert parsed.when == "Fri 17:00"


def test_a_role_mention_is_a_role() -> None:
    assert add("Ship it Fri 17:00 for <@&R1>").targets == Targets(roles=("R1",))


def test_a_channel_mention_is_a_channel() -> None:
    assert add("Ship it Fri 17:00 for <#C123>").targets == Targets(channels=("C123",))


# --- split_add: leads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("leads", ["3 fortnights", "1x"])
def test_lead_text_that_does_not_read_is_reported(leads: str) -> None:
    parsed = add(f"Ship it Fri 17:00 remind {leads}")
    assert (parsed.leads, parsed.bad_leads) == (None, leads)
    assert (parsed.title, parsed.when) == ("Ship it", "Fri 17:00")


def test_remind_at_means_at_the_deadline() -> None:
    assert add("Ship it Fri 17:00 remind at").leads == (0,)


# --- read_leads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1d,2h", (1440, 120)),
        ("1 day, 2 hours", (1440, 120)),
        ("1 hari 2 jam", (1440, 120)),
        ("1d and 2h", (1440, 120)),
        ("30m", (30,)),
        ("1 week", (10080,)),
        ("1 minggu", (10080,)),
        ("0", (0,)),
        ("at", (0,)),
    ],
)
def test_lead_times_in_english_and_indonesian(text: str, minutes: tuple[int, ...]) -> None:
    assert read_leads(text) == minutes


def test_leads_are_deduplicated_and_sorted_largest_first() -> None:
    assert read_leads("2h, at, 1d, 2h") == (1440, 120, 0)


@pytest.mark.parametrize("text", ["soon", "", "1 month", "2h maybe"])
def test_lead_text_that_is_not_a_duration_is_refused(text: str) -> None:
    assert read_leads(text) is None


def test_at_most_six_leads() -> None:
    assert read_leads("1h,2h,3h,4h,5h,6h") == (360, 300, 240, 180, 120, 60)
    assert read_leads("1h,2h,3h,4h,5h,6h,7h") is None


def test_a_lead_may_be_sixty_days_but_not_more() -> None:
    assert read_leads("60d") == (60 * 1440,)
    assert read_leads("61d") is None


# --- read_targets ----------------------------------------------------------------------------------------


def test_targets_of_every_kind_in_one_clause() -> None:
    assert read_targets("<@a> <@b>, #finance me") == Targets(
        users=("a", "b"), channels=("finance",), myself=True
    )


def test_repeated_targets_count_once_and_joining_words_are_skipped() -> None:
    assert read_targets("<@a> and <@a> dan <#C1|general> & <@&R1>") == Targets(
        users=("a",), channels=("C1",), roles=("R1",)
    )


def test_anything_else_is_unknown() -> None:
    assert read_targets("bob @x") == Targets(unknown=("bob", "@x"))


def test_no_targets_is_empty() -> None:
    assert read_targets("").empty
    assert not read_targets("me").empty
