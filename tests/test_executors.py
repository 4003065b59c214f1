"""The executor layer: results come back in the order handed out whichever worker finishes first, at
most ``window`` submissions wait, a hand-out can pause until results are taken (a sweep's rounds),
and the executors agree."""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time

import pytest

from sim.errors import UsageError
from sim.executors import InlineExecutor, executor, in_order, map_in_order, scheduler_address


def slow_square(x: int) -> int:
    time.sleep(0.002 * (10 - x % 10))  # later items finish first
    return x * x


def test_results_come_back_in_order_whichever_finishes_first():
    items = iter(range(40))
    with cf.ThreadPoolExecutor(4) as pool:
        got = list(in_order(pool, slow_square, lambda: next(items, None), window=6))
    assert got == [(x, x * x) for x in range(40)]


def test_at_most_window_submissions_wait():
    handed, taken, worst = [0], [0], [0]
    lock = threading.Lock()

    def next_item():
        with lock:
            if handed[0] == 30:
                return None
            handed[0] += 1
            worst[0] = max(worst[0], handed[0] - taken[0])
            return handed[0]

    with cf.ThreadPoolExecutor(3) as pool:
        for _ in in_order(pool, slow_square, next_item, window=5):
            taken[0] += 1
    assert taken[0] == 30 and worst[0] == 5


def test_a_paused_hand_out_resumes_once_results_are_taken():
    """A round's items are handed out only once the previous round's results are taken (a sweep's rounds)."""
    rounds = [[1, 2, 3], [4, 5], [6]]
    handed: list[int] = []
    recorded: list[int] = []

    def next_item():
        if rounds and not rounds[0]:  # this round is handed out: wait until its results are taken
            if len(recorded) < len(handed):
                return None
            assert recorded == handed  # the next round starts only once the earlier ones are taken
            rounds.pop(0)
        if not rounds:
            return None
        item = rounds[0].pop(0)
        handed.append(item)
        return item

    with cf.ThreadPoolExecutor(2) as pool:
        for item, _ in in_order(pool, slow_square, next_item, window=10):
            recorded.append(item)
    assert recorded == [1, 2, 3, 4, 5, 6]


def test_map_in_order_is_map_on_any_executor():
    xs = list(range(25))
    expected = [x * x for x in xs]
    assert map_in_order(InlineExecutor(), slow_square, xs, window=3) == expected
    with executor(1) as ex:
        assert ex.slots == 1 and ex.name == "in process"
        assert map_in_order(ex.executor, slow_square, xs, window=4) == expected
    with executor(2) as ex:
        assert ex.slots == 2 and ex.name == "process pool (2 workers)"
        assert map_in_order(ex.executor, slow_square, xs, window=6) == expected


def test_an_error_in_a_task_reaches_the_caller():
    def boom(x: int) -> int:
        raise RuntimeError(f"run {x} failed")

    items = iter([7])
    with pytest.raises(RuntimeError, match="run 7 failed"):
        list(in_order(InlineExecutor(), boom, lambda: next(items, None), window=2))


@pytest.mark.parametrize("address, ok", [("tcp://10.0.0.5:8786", True), ("10.0.0.5:8786", True),
                                         ("localhost:1", True), ("nonsense", False), ("host:99999", False),
                                         ("http://x:1", False), ("", False)])
def test_scheduler_addresses(address, ok):
    if ok:
        full, host, port = scheduler_address(address)
        assert full.startswith("tcp://") and host and 1 <= port <= 65535
    else:
        with pytest.raises(UsageError, match="tcp://HOST:PORT"):
            scheduler_address(address)
