"""Run a function in a separate, killable worker process with a hard time limit.

A parser written in C (lxml under trafilatura) does not return control to Python, so neither
`signal.alarm` nor a thread can stop it on a hostile page. Beam's `with_exception_handling(
use_subprocess=True)` solves that by starting a process per element, which costs more than the
extraction itself. Here one long-lived child process serves every call of a worker; only a call
that runs past its limit costs a kill and a restart.

Protocol: length-prefixed pickles over the child's stdin and stdout.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from typing import Any

_HEADER = struct.Struct("!Q")


class CallTimeoutError(TimeoutError):
    """The call ran past its time limit; the worker process was killed."""


class WorkerCrashedError(RuntimeError):
    """The worker process died during the call (a segfault, or the memory limit)."""


class RemoteError(RuntimeError):
    """The function raised in the worker; the message carries its type and text."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type


class IsolatedFunction:
    """Calls `module:function` in a child process, at most `timeout_s` seconds per call.

    `memory_limit_mb`, when set, caps the child's address space, so a page that makes the parser
    allocate without bound kills the child (a WorkerCrashedError), not the Beam worker.
    """

    def __init__(self, target: str, timeout_s: float, memory_limit_mb: int | None = None) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.memory_limit_mb = memory_limit_mb
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        with self._lock:
            process = self._ensure_started()
            payload = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                assert process.stdin is not None
                process.stdin.write(_HEADER.pack(len(payload)) + payload)
                process.stdin.flush()
            except BrokenPipeError:
                self._kill()
                raise WorkerCrashedError(f"{self.target}: worker exited before the call") from None
            status, *result = self._receive(process)
            if status == "ok":
                return result[0]
            raise RemoteError(*result)

    def close(self) -> None:
        with self._lock:
            self._kill()

    def _receive(self, process: subprocess.Popen[bytes]) -> tuple[Any, ...]:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], self.timeout_s)
        if not ready:
            self._kill()
            raise CallTimeoutError(f"{self.target} took longer than {self.timeout_s:g}s")
        header = process.stdout.read(_HEADER.size)
        if len(header) < _HEADER.size:
            code = self._kill()
            raise WorkerCrashedError(f"{self.target}: worker died (exit code {code})")
        return pickle.loads(process.stdout.read(_HEADER.unpack(header)[0]))

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            command = [sys.executable, "-m", "curation.isolation", self.target,
                       str(self.memory_limit_mb or 0)]
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
            )
        return self._process

    def _kill(self) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.kill()
        code = process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        return code

    def __getstate__(self) -> dict[str, Any]:  # a pickled copy starts its own worker
        return {"target": self.target, "timeout_s": self.timeout_s,
                "memory_limit_mb": self.memory_limit_mb}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]


def _serve(target: str, memory_limit_mb: int) -> None:
    import importlib
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit_mb > 0:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything the function prints must not corrupt the protocol
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        args = pickle.loads(stdin.read(_HEADER.unpack(header)[0]))
        try:
            reply: tuple[Any, ...] = ("ok", function(*args))
        except Exception as exc:
            reply = ("error", type(exc).__name__, str(exc)[:1000])
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
