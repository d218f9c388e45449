"""The prefetching feeder: order, errors, early stop."""

import threading

import pytest

from oneiros.models._pipeline import prefetched


def test_items_arrive_in_order_transformed_ahead():
    items = [(index, 1) for index in range(20)]
    assert list(prefetched(items, lambda batch: batch * 10, depth=3)) == [(i * 10, 1) for i in range(20)]
    assert list(prefetched(items, lambda batch: batch * 10, depth=0)) == items


def test_a_producer_error_reaches_the_consumer():
    def items():
        yield (1, 1)
        raise RuntimeError("disk vanished")

    with pytest.raises(RuntimeError, match="disk vanished"):
        list(prefetched(items(), lambda batch: batch, depth=2))


def test_stopping_early_ends_the_worker_thread():
    consumed = prefetched(((index, 1) for index in range(10_000)), lambda batch: batch, depth=2)
    assert next(consumed) == (0, 1)
    consumed.close()
    assert not any(thread.name == "oneiros-prefetch" and thread.is_alive() for thread in threading.enumerate())
