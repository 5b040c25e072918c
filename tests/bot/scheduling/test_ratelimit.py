"""The send queue on a fake monotonic clock: pacing, Retry-After, a 429 storm, backoff, permanent errors."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.core.actions import Action, Send, SendResult
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef
from bot.scheduling.ratelimit import SendQueue, WindowPacer
from bot.scheduling.sender import PermanentSendError, TransientSendError


@dataclass
class FakeTime:
    """A monotonic clock that moves only when someone sleeps: tests never really wait."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class VirtualTime(FakeTime):
    """Concurrent sleepers wake in deadline order; time jumps to the earliest once everyone is asleep."""

    waiting: list[tuple[float, int]] = field(default_factory=list)
    counter: int = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.counter += 1
        me = (self.now + seconds, self.counter)
        heapq.heappush(self.waiting, me)
        while True:
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self.waiting[0] == me:
                heapq.heappop(self.waiting)
                self.now = max(self.now, me[0])
                return


@dataclass
class Platform:
    """Records (text, time) of each accepted send; `errors` is consumed first, one per call."""

    time: FakeTime
    errors: list[Exception | None] = field(default_factory=list)
    accepted: list[tuple[str, float]] = field(default_factory=list)
    calls: int = 0

    async def perform(self, action: Action) -> SendResult:
        self.calls += 1
        error = self.errors.pop(0) if self.errors else None
        if error is not None:
            raise error
        assert isinstance(action, Send)
        text = action.content.blocks[0].inlines[0].text  # type: ignore[union-attr]
        self.accepted.append((text, self.time.now))
        return SendResult(message_id=text)


def send(text: str, channel: str = "C1", workspace: str = "T1") -> Send:
    to = ConversationRef(platform="slack", workspace_id=workspace, kind=ConversationKind.CHANNEL,
                         conversation_id=channel)
    return Send(to=to, content=Content.text(text))


def queue(platform: Platform, **kw: object) -> SendQueue:
    return SendQueue(platform, clock_fn=platform.time, sleep=platform.time.sleep,  # type: ignore[arg-type]
                     jitter=lambda: 1.0, **kw)


async def test_one_message_per_second_per_destination() -> None:
    platform = Platform(FakeTime())
    q = queue(platform)
    for text in ("a", "b", "c"):
        await q.perform(send(text))
    await q.perform(send("other", channel="C2"))
    assert platform.accepted == [("a", 0.0), ("b", 1.0), ("c", 2.0), ("other", 2.0)]


async def test_burst_then_steady_rate() -> None:
    platform = Platform(FakeTime())
    q = queue(platform, per_destination_rate=2.0, burst=3)
    for i in range(5):
        await q.perform(send(str(i)))
    assert [t for _, t in platform.accepted] == [0.0, 0.0, 0.0, 0.5, 1.0]


async def test_workspace_budget_spans_destinations() -> None:
    platform = Platform(FakeTime())
    q = queue(platform, workspace_rate=2.0)
    for i in range(4):
        await q.perform(send(str(i), channel=f"C{i}"))
    await q.perform(send("elsewhere", channel="C9", workspace="T2"))
    assert [t for _, t in platform.accepted] == [0.0, 0.5, 1.0, 1.5, 1.5]


async def test_retry_after_is_honoured_for_that_destination_only() -> None:
    platform = Platform(FakeTime(), errors=[TransientSendError(5.0, "429")])
    q = queue(platform)
    await q.perform(send("a"))
    await q.perform(send("b", channel="C2"))
    await q.perform(send("c"))
    assert platform.accepted == [("a", 5.0), ("b", 5.0), ("c", 6.0)]


async def test_a_global_429_pauses_every_destination() -> None:
    platform = Platform(FakeTime(), errors=[TransientSendError(3.0, "429", scope="global")])
    q = queue(platform)
    await q.perform(send("a"))
    assert platform.accepted == [("a", 3.0)]
    platform.errors = [TransientSendError(4.0, "429", scope="global")]
    await q.perform(send("c", channel="C2"))
    await q.perform(send("d", channel="C3", workspace="T2"))
    assert platform.accepted == [("a", 3.0), ("c", 7.0), ("d", 7.0)]


async def test_a_workspace_429_pauses_that_workspace_only() -> None:
    platform = Platform(FakeTime(), errors=[TransientSendError(2.0, "429", scope="workspace")])
    q = queue(platform)
    await q.perform(send("a"))
    assert platform.accepted == [("a", 2.0)]
    platform.errors = [TransientSendError(3.0, "429", scope="workspace")]
    await q.perform(send("b", channel="C2"))  # refused at 2.0: C2, C3 and C1 wait until 5.0
    await q.perform(send("c", channel="C3"))
    await q.perform(send("d", channel="C9", workspace="T2"))  # another workspace is not paused
    assert platform.accepted == [("a", 2.0), ("b", 5.0), ("c", 5.0), ("d", 5.0)]


async def test_concurrent_senders_all_wait_out_a_workspace_429() -> None:
    time = VirtualTime()
    platform = Platform(time, errors=[TransientSendError(1.0, "429", scope="workspace")])
    q = queue(platform, workspace_rate=10.0)
    await asyncio.gather(*(q.perform(send(f"m{i}", channel=f"C{i}")) for i in range(8)))
    times = sorted(t for _, t in platform.accepted)
    assert len(times) == 8 and platform.calls == 9  # one refusal, then nobody runs into it again
    assert times[0] >= 1.0  # the first send was refused at 0.0: the workspace waited out its Retry-After
    assert all(later - earlier >= 0.1 - 1e-9 for earlier, later in itertools.pairwise(times))


async def test_a_429_storm_loses_nothing_and_sends_nothing_twice() -> None:
    time = FakeTime()
    platform = Platform(time)

    async def stormy(action: Action) -> SendResult:
        platform.calls += 1
        if platform.calls % 2:
            raise TransientSendError(0.5, "429")
        return await Platform.perform(platform, action)

    platform.perform = stormy  # type: ignore[method-assign]
    q = queue(platform, max_retries=50)
    texts = [f"m{i}" for i in range(60)]
    results = await asyncio.gather(*(q.perform(send(t, channel=f"C{i % 6}")) for i, t in enumerate(texts)))
    assert sorted(r.message_id or "" for r in results) == sorted(texts)
    counts = Counter(text for text, _ in platform.accepted)
    assert set(counts) == set(texts) and set(counts.values()) == {1}


async def test_concurrent_callers_share_the_pace() -> None:
    platform = Platform(VirtualTime(), errors=[TransientSendError(2.0, "429")])
    q = queue(platform)
    await asyncio.gather(*(q.perform(send(f"a{i}")) for i in range(4)),
                         *(q.perform(send(f"b{i}", channel="C2")) for i in range(2)))
    by_channel = {p: [t for text, t in platform.accepted if text.startswith(p)] for p in "ab"}
    assert by_channel["b"] == [0.0, 1.0]
    times = sorted(by_channel["a"])
    assert len(times) == 4 and times[0] >= 2.0  # the 429 paused C1 for 2 s, C2 went on
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


async def test_5xx_backs_off_exponentially_then_succeeds() -> None:
    platform = Platform(FakeTime(), errors=[TransientSendError(None, "503")] * 3)
    q = queue(platform, backoff_base=1.0)
    result = await q.perform(send("a"))
    assert result.message_id == "a" and platform.calls == 4
    assert platform.time.sleeps == [1.0, 2.0, 4.0]


def test_jitter_stays_between_half_and_the_full_step() -> None:
    q = SendQueue(Platform(FakeTime()), backoff_base=1.0, backoff_cap=10.0, jitter=lambda: 0.0)
    assert [q.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


async def test_gives_up_after_max_retries_with_the_last_error() -> None:
    platform = Platform(FakeTime(), errors=[TransientSendError(None, "timeout")] * 10)
    q = queue(platform, max_retries=2)
    with pytest.raises(TransientSendError, match="timeout"):
        await q.perform(send("a"))
    assert platform.calls == 3


async def test_permanent_errors_pass_straight_through() -> None:
    platform = Platform(FakeTime(), errors=[PermanentSendError("channel_not_found")])
    q = queue(platform)
    with pytest.raises(PermanentSendError, match="channel_not_found"):
        await q.perform(send("a"))
    assert platform.calls == 1 and platform.time.sleeps == []


# --- the window pacer (a limit across every destination) -----------------------------------------------


async def test_the_pacer_lets_a_full_window_through_then_waits_for_its_oldest_call() -> None:
    time = FakeTime()
    pacer = WindowPacer(3, 1.0, min_gap=0.0, clock_fn=time, sleep=time.sleep)
    started = []
    for _ in range(7):
        await pacer.wait()
        started.append(time.now)
    assert started == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]


async def test_no_window_of_the_pacer_ever_holds_more_than_its_limit() -> None:
    time = VirtualTime()
    pacer = WindowPacer(49, 1.0, clock_fn=time, sleep=time.sleep)
    started: list[float] = []
    gap = 0.75 / 49

    async def caller(n: int) -> None:
        for _ in range(n):
            await pacer.wait()
            started.append(time.now)
            await time.sleep(0.013)  # the request itself, then the next one

    await asyncio.gather(*(caller(25) for _ in range(8)))
    assert len(started) == 200
    assert all(sum(1 for t in started if s <= t < s + 1.0) <= 49 for s in started)
    assert all(later - earlier >= gap - 1e-9 for earlier, later in itertools.pairwise(sorted(started)))
    assert max(started) < 200 / 49 + 0.1  # and nothing is held back beyond the limit


async def test_by_default_calls_leave_at_least_three_quarters_of_an_even_spacing_apart() -> None:
    time = FakeTime()
    pacer = WindowPacer(4, 1.0, clock_fn=time, sleep=time.sleep)
    started = []
    for _ in range(6):
        await pacer.wait()
        started.append(time.now)
    assert started == [0.0, 0.1875, 0.375, 0.5625, 1.0, 1.1875]  # a gap, then the window binds


async def test_a_caller_that_starts_late_does_not_delay_the_calls_after_it() -> None:
    time = FakeTime()
    pacer = WindowPacer(2, 1.0, min_gap=0.25, clock_fn=time, sleep=time.sleep)
    await pacer.wait()
    time.now = 0.9  # this caller came late: the next ones catch up, but never closer than the gap
    await pacer.wait()
    await pacer.wait()
    started_third = time.now
    await pacer.wait()
    assert (started_third, time.now) == (1.15, 1.9)


async def test_pacer_waiters_go_first_come_first_served() -> None:
    time = VirtualTime()
    pacer = WindowPacer(1, 1.0, clock_fn=time, sleep=time.sleep)
    order: list[int] = []

    async def call(n: int) -> None:
        await pacer.wait()
        order.append(n)

    await asyncio.gather(*(call(n) for n in range(5)))
    assert order == [0, 1, 2, 3, 4] and time.now == 4.0


def test_a_pacer_needs_a_limit_and_a_window() -> None:
    with pytest.raises(ValueError, match="limit"):
        WindowPacer(0)
    with pytest.raises(ValueError, match="window"):
        WindowPacer(5, 0.0)
