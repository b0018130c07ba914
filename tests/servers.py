"""Real servers for the tests, each started on a free loopback port and stopped after."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Requests go straight to the loopback server, never through a proxy from the environment.
loopback = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Keep MLflow's usage telemetry and the server's background job workers out of the tests.
QUIET_MLFLOW = {"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def ui_process(store_uri: str, artifacts: Path) -> Iterator[tuple[str, str]]:
    """`pipelines/ui.py` (what `make ui` runs) on a free loopback port over `store_uri`.

    Yields:
        The server's address, and the address of the runs table that the command printed.
    """
    port = free_port()
    command = [
        sys.executable,
        str(REPO_ROOT / "pipelines" / "ui.py"),
        *("--port", str(port)),
        f"tracking.uri={store_uri}",
        f"tracking.artifact_root={artifacts}",
    ]
    # Its own process group: the UI starts uvicorn as a child, and both must stop.
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **QUIET_MLFLOW},
        start_new_session=True,
    )
    try:
        printed = server.stdout.readline()
        address = f"http://127.0.0.1:{port}"
        wait_until_healthy(address, server)
        yield address, printed.split(": ", 1)[-1].strip()
    finally:
        stop_process_group(server)


def wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The MLflow server exited with status {server.returncode}.")
        try:
            with loopback.open(f"{url}/health", timeout=2):
                return
        except OSError:  # not listening yet, or not ready (an HTTP error is an OSError too)
            time.sleep(0.5)
    raise RuntimeError(f"The MLflow server at {url} was not healthy after {timeout:.0f} s.")


def stop_process_group(process: subprocess.Popen) -> None:
    """Terminates the group `process` leads; kills it if it is still running after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
