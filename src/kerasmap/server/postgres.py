"""A PostgreSQL cluster of the tracking server's own, from the binaries of the `pgserver` wheel.

The cluster lives in one folder (`data/`, its log and the superuser's `password`) and listens
on a loopback TCP port only, with password authentication, so other users of the machine
cannot reach the tracking database around the MLflow server. `pgserver`'s own server class is
not used: it listens on a unix socket only.
"""

import contextlib
import importlib.util
import os
import pwd
import secrets
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kerasmap.errors import KerasmapError

SUPERUSER = "kerasmap"
DATABASE = "mlflow"
# PostgreSQL refuses to run as root; as root, the cluster runs as the account every Unix
# system keeps for unprivileged work, so no account has to be created.
UNPRIVILEGED_ACCOUNT = "nobody"


class PostgresError(KerasmapError):
    """The local PostgreSQL cluster could not be created, started or stopped."""


@dataclass(frozen=True)
class LocalPostgres:
    """A running cluster: its folder, its loopback port and its superuser's password."""

    folder: Path
    port: int
    password: str

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the `mlflow` database, password included."""
        return self.url_of(DATABASE)

    def url_of(self, database: str) -> str:
        """The SQLAlchemy URL of one of the cluster's databases, password included."""
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"


def start_postgres(folder: Path, port: int | None = None) -> LocalPostgres:
    """Starts the cluster in `folder` (creating it the first time) with an `mlflow` database.

    Args:
        folder: The cluster's folder; created if missing. Every folder above it must be open
            to the cluster's account (`nobody` when run as root).
        port: The loopback port to listen on. Defaults to a free one.

    Returns:
        The running cluster.

    Raises:
        PostgresError: If a cluster already runs in `folder`, or PostgreSQL's tools fail;
            the sentence quotes their message.
    """
    folder = folder.resolve()
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        _create_cluster(folder)
    elif (data / "postmaster.pid").exists():
        pid = (data / "postmaster.pid").read_text().split("\n", 1)[0]
        raise PostgresError(
            f"PostgreSQL already runs in {data} (process {pid}), started by a server that is "
            f"still running or was killed with `kill -9`; stop it first: kill {pid}"
        )
    port = port or free_loopback_port()
    log = folder / "postgres.log"
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''"
    _run("pg_ctl", "start", "--wait", "-D", data, "-l", log, "-o", options, log=log)
    cluster = LocalPostgres(folder, port, (folder / "password").read_text().strip())
    create_database(cluster, DATABASE)
    return cluster


def stop_postgres(cluster: LocalPostgres) -> None:
    """Stops the cluster after rolling back open transactions (`pg_ctl stop -m fast`)."""
    _run("pg_ctl", "stop", "--wait", "-m", "fast", "-D", cluster.folder / "data")


@contextlib.contextmanager
def running_postgres(folder: Path, port: int | None = None) -> Iterator[LocalPostgres]:
    """`start_postgres`, and `stop_postgres` on the way out whatever happened inside."""
    cluster = start_postgres(folder, port)
    try:
        yield cluster
    finally:
        stop_postgres(cluster)


def _create_cluster(folder: Path) -> None:
    account = _account()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    password_file = folder / "password"
    password_file.write_text(secrets.token_urlsafe(24) + "\n")
    password_file.chmod(0o600)
    for path in (folder, folder / "data", password_file):
        os.chown(path, account.pw_uid, account.pw_gid)
    _run(
        "initdb",
        *("-D", folder / "data", "-U", SUPERUSER, f"--pwfile={password_file}"),
        *("--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"),
    )


def create_database(cluster: LocalPostgres, name: str) -> str:
    """Creates the database `name` in the cluster unless it exists; returns its URL.

    A database of its own for each tool: MLflow and Optuna, for one, both keep their schema
    version in a table named `alembic_version`.
    """
    import psycopg
    from psycopg import sql

    # Autocommit: CREATE DATABASE cannot run inside a transaction.
    with psycopg.connect(
        host="127.0.0.1",
        port=cluster.port,
        user=SUPERUSER,
        password=cluster.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return cluster.url_of(name)


def _run(tool: str, *arguments, log: Path | None = None) -> None:
    """Runs one of PostgreSQL's tools as the cluster's account; a failure becomes a sentence.

    Args:
        tool: The tool's name, e.g. `pg_ctl`.
        *arguments: Its arguments.
        log: The server's log, whose last line says why a start failed. Defaults to `None`.
    """
    as_account = {}
    if os.geteuid() == 0:
        account = _account()
        as_account = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    result = subprocess.run(
        [str(_binaries() / tool), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",  # the account may not be allowed into the folder this process runs in
        **as_account,
    )
    if result.returncode != 0:
        message = log.read_text() if log is not None and log.exists() else ""
        lines = (message or result.stderr or result.stdout).strip().splitlines()
        raise PostgresError(f"PostgreSQL's {tool} failed: {lines[-1] if lines else 'no message'}")


def _account() -> pwd.struct_passwd:
    return pwd.getpwnam(UNPRIVILEGED_ACCOUNT) if os.geteuid() == 0 else pwd.getpwuid(os.getuid())


def _binaries() -> Path:
    # Found without importing `pgserver`, whose package start-up does work of its own.
    (location,) = importlib.util.find_spec("pgserver").submodule_search_locations
    return Path(location) / "pginstall" / "bin"


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
