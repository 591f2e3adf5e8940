"""Calls into a worker process over its socket: answers, errors, a dead worker, a new event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import Iterator

import pytest

from crawler._worker_channel import RemoteTraceback, WorkerChannel, WorkerLost


class PageTooOdd(ValueError):
    pass


def _no_setup() -> None:
    pass


def _echo(text: str, *, suffix: str = "") -> tuple[int, str]:
    return os.getpid(), text + suffix


def _fail(message: str) -> None:
    raise PageTooOdd(message)


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)
        self.b = b

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("no")


def _fail_unpicklably() -> None:
    raise _Unpicklable("lost in transit", "x")


def _sleep(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "slept"


@pytest.fixture
def channel() -> Iterator[WorkerChannel]:
    opened = WorkerChannel(multiprocessing.get_context("forkserver"), _no_setup, ())
    try:
        yield opened
    finally:
        opened.close()


def test_a_call_runs_in_the_worker_and_big_arguments_and_answers_arrive_whole(channel: WorkerChannel) -> None:
    page = "é" * 3_000_000  # far more than the socket's buffer, both ways

    async def calls() -> list[tuple[int, str]]:
        return list(await asyncio.gather(*(channel.call(_echo, (page,), {"suffix": str(n)}) for n in range(3))))

    answers = asyncio.run(calls())
    assert [text for _, text in answers] == [page + "0", page + "1", page + "2"]
    assert {pid for pid, _ in answers} == {channel.pid} and channel.pid != os.getpid()


def test_an_error_in_the_worker_is_raised_here_with_the_workers_traceback(channel: WorkerChannel) -> None:
    async def call() -> None:
        await channel.call(_fail, ("no body",), {})

    with pytest.raises(PageTooOdd, match="no body") as raised:
        asyncio.run(call())
    assert isinstance(raised.value.__cause__, RemoteTraceback)
    assert "in _fail" in str(raised.value.__cause__)
    assert asyncio.run(channel.call(_echo, ("still here",), {}))[1] == "still here"


def test_an_error_that_does_not_pickle_arrives_as_its_text(channel: WorkerChannel) -> None:
    with pytest.raises(RuntimeError, match=r"^_Unpicklable: lost in transit$"):
        asyncio.run(channel.call(_fail_unpicklably, (), {}))


def test_a_dead_worker_fails_its_unanswered_calls_and_every_later_one(channel: WorkerChannel) -> None:
    async def scenario() -> None:
        slow = asyncio.ensure_future(channel.call(_sleep, (30,), {}))
        await asyncio.sleep(0.5)
        assert channel.pid is not None
        os.kill(channel.pid, signal.SIGKILL)
        with pytest.raises(WorkerLost, match=f"worker {channel.pid} exited"):
            await slow
        with pytest.raises(WorkerLost, match="is gone"):
            await channel.call(_echo, ("x",), {})

    asyncio.run(scenario())
    assert channel.lost and not channel.connected


def test_calls_go_on_from_a_new_event_loop(channel: WorkerChannel) -> None:
    first = asyncio.run(channel.call(_echo, ("one",), {}))
    second = asyncio.run(channel.call(_echo, ("two",), {}))
    assert (first[1], second[1]) == ("one", "two") and first[0] == second[0]


def test_a_retired_worker_answers_what_it_was_sent_then_exits(channel: WorkerChannel) -> None:
    async def scenario() -> list[str]:
        pending = [asyncio.ensure_future(channel.call(_sleep, (0.2,), {})) for _ in range(2)]
        await asyncio.sleep(0)
        channel.retire()
        assert channel.connected
        return list(await asyncio.gather(*pending))

    assert asyncio.run(scenario()) == ["slept", "slept"]
    assert not channel.connected
    channel.process.join(10)
    assert channel.process.exitcode == 0


def test_a_cancelled_caller_does_not_stop_the_answers_after_it(channel: WorkerChannel) -> None:
    async def scenario() -> str:
        cancelled = asyncio.ensure_future(channel.call(_sleep, (0.2,), {}))
        after = asyncio.ensure_future(channel.call(_echo, ("after",), {}))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        return (await after)[1]

    assert asyncio.run(scenario()) == "after"
