"""Sending comes before planning: a planner pass waits at its yield points while a dispatcher sends."""

from __future__ import annotations

import asyncio

from bot.scheduling.priority import PLANNING_GATE, SendingGate, yield_to_sends


async def test_a_yield_point_waits_until_the_sends_are_done() -> None:
    gate = SendingGate()
    order: list[str] = []
    sending = asyncio.Event()

    async def dispatcher() -> None:
        with gate.sending():
            sending.set()
            for _ in range(5):
                await asyncio.sleep(0)  # sends that give the loop back between them
            order.append("sent")

    async def planner() -> None:
        await sending.wait()
        token = PLANNING_GATE.set(gate)
        try:
            await yield_to_sends()
        finally:
            PLANNING_GATE.reset(token)
        order.append("planned")

    await asyncio.gather(planner(), dispatcher())
    assert order == ["sent", "planned"]
    assert not gate.busy


async def test_the_wait_is_bounded_so_a_long_rate_limited_send_does_not_stop_planning() -> None:
    gate = SendingGate()
    with gate.sending():
        token = PLANNING_GATE.set(gate)
        try:
            await asyncio.wait_for(yield_to_sends(), 5)  # returns after MAX_WAIT_S, still sending
        finally:
            PLANNING_GATE.reset(token)
        assert gate.busy


async def test_without_a_gate_a_yield_point_is_one_turn_of_the_loop() -> None:
    await asyncio.wait_for(yield_to_sends(), 1)
