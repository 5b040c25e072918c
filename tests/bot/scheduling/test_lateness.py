"""The lateness policy is explicit per kind: punctual, late within grace, expired after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scheduling.lateness import MISSED_SUMMARY, SUMMARY_GRACE, Lateness, LatenessPolicy, Policies

DUE = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
S = timedelta(seconds=1)


@pytest.mark.parametrize(("overdue", "expected"), [
    (-60 * S, Lateness.ON_TIME), (0 * S, Lateness.ON_TIME), (60 * S, Lateness.ON_TIME),
    (61 * S, Lateness.LATE), (600 * S, Lateness.LATE), (601 * S, Lateness.EXPIRED),
])
def test_boundaries(overdue: timedelta, expected: Lateness) -> None:
    policy = LatenessPolicy(grace=timedelta(minutes=10))
    assert policy.classify(DUE, DUE + overdue) is expected


def test_zero_grace_still_allows_the_on_time_window() -> None:
    policy = LatenessPolicy(timedelta(0))
    assert policy.classify(DUE, DUE + 59 * S) is Lateness.ON_TIME
    assert policy.classify(DUE, DUE + 61 * S) is Lateness.EXPIRED


def test_policies_per_kind_with_default_and_a_long_summary_grace() -> None:
    policies = Policies({"standup_prompt": timedelta(hours=2)}, timedelta(minutes=15))
    assert policies.for_kind("standup_prompt") == LatenessPolicy(timedelta(hours=2))
    assert policies.for_kind("unknown") == LatenessPolicy(timedelta(minutes=15))
    assert policies.for_kind(MISSED_SUMMARY).grace == SUMMARY_GRACE
    assert policies.classify(MISSED_SUMMARY, DUE, DUE + timedelta(days=3)) is Lateness.LATE
    overridden = Policies({MISSED_SUMMARY: timedelta(days=1)}, timedelta(minutes=15))
    assert overridden.for_kind(MISSED_SUMMARY).grace == timedelta(days=1)


def test_negative_windows_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        LatenessPolicy(timedelta(minutes=-1))
    with pytest.raises(ValueError, match="naive"):
        LatenessPolicy(timedelta(minutes=1)).classify(DUE.replace(tzinfo=None), DUE)


@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=0, max_value=10**5))
def test_classification_is_monotonic_in_time(seconds: int, grace: int) -> None:
    policy = LatenessPolicy(timedelta(seconds=grace))
    order = [Lateness.ON_TIME, Lateness.LATE, Lateness.EXPIRED]
    now = DUE + timedelta(seconds=seconds)
    assert order.index(policy.classify(DUE, now)) <= order.index(policy.classify(DUE, now + S))
