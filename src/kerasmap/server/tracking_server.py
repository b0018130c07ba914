"""`make server`: one MLflow tracking server for a team, on PostgreSQL, with proxied artifacts.

The database URL reaches the server through its environment, not its command line, so a
password in it does not show in the process list. Artifacts go through the server
(`--artifacts-destination`): clients need no access to the artifact store of their own.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from kerasmap.config import checks
from kerasmap.errors import KerasmapError
from kerasmap.recording.reachability import server_answers
from kerasmap.recording.secrets import redact_text
from kerasmap.server.basic_auth import auth_environment, require_admin
from kerasmap.server.postgres import running_postgres

DATABASE_SCHEMES = ("postgresql", "mysql", "mssql", "sqlite")  # MLflow's SQL stores
START_TIMEOUT_SECONDS = 120
STOP_GRACE_SECONDS = 15  # for requests in flight to finish


def serve_team(
    folder: Path, port: int, host: str, database_url: str | None, artifacts: str, auth: bool
) -> None:
    """Runs the team server in the foreground until Ctrl-C or `kill`, then stops what it started.

    Args:
        folder: The server's folder: its PostgreSQL cluster and its auth config.
        port: The port to serve on.
        host: The interface to serve on, e.g. `127.0.0.1` or `0.0.0.0`.
        database_url: An existing database's SQLAlchemy URL, or `None` to start PostgreSQL in
            `folder/postgres`.
        artifacts: Where the server keeps artifacts: a folder or a URI such as `s3://bucket`.
        auth: Turn on MLflow's basic authentication.

    Raises:
        KerasmapError: If the database URL is not one MLflow stores runs in, no admin is set
            for `auth`, or PostgreSQL or the MLflow server fail to start or stop early.
    """
    if database_url is not None:
        require_database_url(database_url)
    if auth:
        require_admin()
    artifacts = artifact_destination(artifacts)
    # `kill` stops the server as Ctrl-C does, so PostgreSQL is stopped cleanly either way.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with contextlib.ExitStack() as stack:
            if database_url is None:
                database_url = stack.enter_context(running_postgres(folder / "postgres")).url
            server = start_tracking_server(database_url, artifacts, folder, port, host, auth)
            stack.callback(stop_tracking_server, server)
            everywhere = host in ("0.0.0.0", "::")
            wait_until_answering(f"http://{'127.0.0.1' if everywhere else host}:{port}", server)
            print(f"Runs in {redact_text(database_url)}, artifacts in {artifacts}.")
            address = f"http://{socket.getfqdn() if everywhere else host}:{port}"
            print(f"Train into it with: make train tracking.uri={address}")
            print("Stop the server with Ctrl-C.", flush=True)
            status = server.wait()
    except KeyboardInterrupt:
        return
    raise KerasmapError(f"The MLflow server stopped with status {status}; see its log above.")


def start_tracking_server(
    database_url: str,
    artifacts: str,
    folder: Path,
    port: int,
    host: str = "127.0.0.1",
    auth: bool = False,
    log: Path | None = None,
) -> subprocess.Popen:
    """Starts `mlflow server` over `database_url` in a process group of its own.

    The database is created first, under the lock kerasmap's commands take, so a server and
    commands (or a second server) started together on a new database do not race MLflow's
    creation of its tables.

    Args:
        database_url: The SQLAlchemy URL of the tracking database.
        artifacts: The artifact store the server proxies: a folder or a URI.
        folder: Where the auth config is written when `auth` is on.
        port: The port to serve on.
        host: The interface to serve on. Defaults to `127.0.0.1`.
        auth: Turn on MLflow's basic authentication. Defaults to `False`.
        log: A file for the server's output instead of this process's. Defaults to `None`.

    Returns:
        The server's process, which leads its group (the server's workers are in it too).

    Raises:
        StoreUnusableError: If the database cannot be created or opened.
    """
    from kerasmap.recording.store import create_store

    create_store(database_url, key="DB")
    scripts = Path(sys.executable).parent
    server_env = {
        **os.environ,
        "PATH": os.pathsep.join([str(scripts), os.environ.get("PATH", "")]),
        "MLFLOW_BACKEND_STORE_URI": database_url,
        "MLFLOW_ARTIFACTS_DESTINATION": artifact_destination(artifacts),
        # A deprecation inside MLflow's own server code, printed once by each worker.
        "PYTHONWARNINGS": "ignore::UserWarning:mlflow.server.fastapi_app",
        **(auth_environment(folder, database_url) if auth else {}),
    }
    command = [str(scripts / "mlflow"), "server", "--host", host, "--port", str(port)]
    if auth:
        command += ["--app-name", "basic-auth"]
    with open(log, "a") if log else contextlib.nullcontext() as output:
        return subprocess.Popen(
            command, env=server_env, stdout=output, stderr=output, start_new_session=True
        )


def stop_tracking_server(server: subprocess.Popen) -> None:
    """Stops the server's whole process group; kills what is left after `STOP_GRACE_SECONDS`.

    The group, not only `mlflow server`: its workers outlive it when it is killed alone, and
    a worker waiting on a client's open connection would keep the port (and the database).
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while _group_alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def _group_alive(server: subprocess.Popen) -> bool:
    server.poll()  # reaps the leader, which would otherwise count as a member
    try:
        os.killpg(server.pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_answering(uri: str, server: subprocess.Popen) -> None:
    """Waits for the server's `/health`; raises `KerasmapError` if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server_answers(uri, timeout=2):
        if server.poll() is not None:
            raise KerasmapError(
                f"The MLflow server exited with status {server.returncode} before it answered; "
                f"see its log above."
            )
        if time.monotonic() > deadline:
            raise KerasmapError(
                f"The MLflow server did not answer within {START_TIMEOUT_SECONDS} s."
            )
        time.sleep(0.5)


def require_database_url(database_url: str) -> None:
    """Requires an SQLAlchemy URL of a database MLflow keeps runs in."""
    scheme = database_url.split(":", 1)[0].split("+", 1)[0]
    checks.require(
        scheme in DATABASE_SCHEMES and "://" in database_url,
        "DB",
        redact_text(database_url),
        "a database URL such as 'postgresql://user@host:5432/mlflow'",
    )


def artifact_destination(artifacts: str) -> str:
    """A URI as it is; a folder as an absolute path, so it does not depend on the server's cwd."""
    return artifacts if "://" in artifacts else str(Path(artifacts).resolve())
