"""The decode-ahead thread and the chunk plan of the pose stage."""

from __future__ import annotations

import threading
import time

import pytest

from formcheck.io.pose import MIN_CHUNK_S, plan_chunks, prefetched


def test_prefetched_keeps_order_and_all_items():
    assert list(prefetched(iter(range(1000)), depth=3)) == list(range(1000))


def test_producer_errors_reach_the_consumer():
    def items():
        yield 1
        raise ValueError("truncated file")

    got = []
    with pytest.raises(ValueError, match="truncated"):
        for x in prefetched(items()):
            got.append(x)
    assert got == [1]


def test_closing_early_stops_the_producer():
    produced = []

    def items():
        for i in range(10_000):
            produced.append(i)
            yield i

    before = threading.active_count()
    gen = prefetched(items(), depth=2)
    assert next(gen) == 0
    gen.close()
    time.sleep(0.2)
    assert len(produced) < 10  # bounded read-ahead, then stopped
    assert threading.active_count() <= before


@pytest.mark.parametrize("duration, workers, n", [(20.0, 2, 2), (20.0, 1, 1), (5.0, 2, 1), (0.0, 2, 1),
                                                   (60.0, 8, 8), (10.0, 8, 3)])
def test_chunk_plan(duration, workers, n):
    chunks = plan_chunks(duration, workers)
    assert len(chunks) == n
    assert chunks[0][0] == 0.0 and chunks[-1][1] is None
    for (a, b), (c, _) in zip(chunks, chunks[1:]):
        assert b == c and b - a >= MIN_CHUNK_S  # contiguous, no gap, no overlap in what is kept
