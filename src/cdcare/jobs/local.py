"""Local executor: run a picklable function over items in a pool of worker processes.

Workers are started with the ``spawn`` method (MediaPipe graphs do not survive ``fork``); with
``jobs=1`` everything runs in the calling process, in order (no pool start-up cost).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_local(fn: Callable[[T], R], items: Sequence[T], *, jobs: int = 1) -> Iterator[tuple[T, R]]:
    """Yield ``(item, fn(item))`` as results complete (order not guaranteed when ``jobs`` > 1).

    ``fn`` must be a module-level function and handle its own expected errors: an exception
    escaping a worker propagates to the caller.
    """
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield item, fn(item)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=ctx) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


__all__ = ["run_local"]
