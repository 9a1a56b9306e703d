"""Run `eventwire serve` in a subprocess on a free loopback port (for browser tests and benchmarks).

Why: both need the real command line, server and socket, not the in-process ASGI app, and
both must always stop the server they started.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer /api/health in time (its output is in the message)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_subprocess(
    db: str | Path, timeout: float = 60.0, log_level: str = "warning", workers: int = 1
) -> Iterator[str]:
    """Start the server on 127.0.0.1, wait until it answers, yield its base URL, then stop it."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "eventwire",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--log-level",
        log_level,
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise ServerDidNotStart(f"{' '.join(cmd)}: {out[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()
