"""Local process-pool executor (worker functions must be importable: stdlib ones here)."""

from __future__ import annotations

import math

import pytest

from cdcare.jobs.local import run_local


@pytest.mark.parametrize("jobs", [1, 2])
def test_all_items_are_run(jobs: int) -> None:
    out = dict(run_local(math.factorial, [1, 2, 3, 5], jobs=jobs))
    assert out == {1: 1, 2: 2, 3: 6, 5: 120}


@pytest.mark.parametrize("jobs", [1, 2])
def test_errors_propagate(jobs: int) -> None:
    with pytest.raises(ValueError, match="domain"):
        list(run_local(math.sqrt, [4.0, -1.0], jobs=jobs))
