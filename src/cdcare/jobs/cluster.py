"""Run a function over items on a ``dask.distributed`` cluster (optional extra ``cluster``).

The scheduler address is ``tcp://HOST:PORT`` (``dask scheduler`` listens on 8786 by default);
every worker must have cdcare installed (the function is imported there by name) and see the
input files at the same paths. Dask is imported only here and only when used, so an
installation without the extra still runs everything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from cdcare.errors import N_, ConfigError

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "CDCARE_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 20.0  # seconds to reach the scheduler before giving up


def scheduler_from_env() -> str | None:
    """The scheduler address in ``$CDCARE_DASK_SCHEDULER``, or None when unset or empty."""
    return os.environ.get(SCHEDULER_ENV) or None


def run_dask(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    address: str,
    timeout: float = CONNECT_TIMEOUT_S,
) -> Iterator[tuple[T, R | BaseException]]:
    """Yield ``(item, fn(item))`` as results arrive from the cluster at ``address``.

    A task that raised on its worker, or whose worker died (``KilledWorker``), yields its
    exception instead of a result; the other tasks go on. Tasks are not retried.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ConfigError(
            N_("Dask is not installed; install cdcare with the 'cluster' extra")
        ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(
            N_("Cannot reach the Dask scheduler at {address}: {reason}"),
            address=address,
            reason=str(exc) or type(exc).__name__,
        ) from None
    with client:
        futures = client.map(fn, list(items), pure=False)
        by_key = {fut.key: item for fut, item in zip(futures, items, strict=True)}
        for fut in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            item = by_key[fut.key]
            if fut.status == "error":
                err = fut.exception()
                yield item, err if isinstance(err, BaseException) else RuntimeError(str(err))
            else:
                yield item, fut.result()
            fut.release()


__all__ = ["SCHEDULER_ENV", "run_dask", "scheduler_from_env"]
