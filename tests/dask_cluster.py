"""A LocalCluster of two one-thread worker processes for the Dask tests (issue 24)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import distributed


@contextlib.contextmanager
def two_process_cluster() -> Iterator[distributed.LocalCluster]:
    """Started for the test and closed after it, even when the test fails."""
    local = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                     dashboard_address=":0")
    try:
        yield local
    finally:
        local.close(timeout=60)
