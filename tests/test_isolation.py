import time

import pytest

from curation.isolation import CallTimeoutError, IsolatedFunction, RemoteError, WorkerCrashedError


def test_calls_return_results_and_the_worker_is_reused():
    call = IsolatedFunction("os:getpid", timeout_s=30)
    try:
        assert call() == call()
    finally:
        call.close()


def test_a_call_past_its_limit_is_killed_and_the_next_call_works():
    call = IsolatedFunction("time:sleep", timeout_s=0.5)
    try:
        call(0)  # start the worker outside the timed part
        started = time.monotonic()
        with pytest.raises(CallTimeoutError):
            call(60)
        assert time.monotonic() - started < 10
        assert call(0) is None
    finally:
        call.close()


def test_exceptions_in_the_worker_come_back_typed():
    call = IsolatedFunction("math:sqrt", timeout_s=30)
    try:
        with pytest.raises(RemoteError, match="ValueError: math domain error"):
            call(-1)
        assert call(4) == 2.0
    finally:
        call.close()


def test_a_worker_that_dies_is_reported_and_replaced():
    call = IsolatedFunction("os:_exit", timeout_s=30)
    with pytest.raises(WorkerCrashedError):
        call(3)
    call.close()
