"""Open both ends of a sync, checking each before anything is copied."""

import contextlib
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mlflow import MlflowClient

from kerasmap.config.checks import require
from kerasmap.errors import ConfigError
from kerasmap.recording.reachability import HEALTH_TIMEOUT_SECONDS, server_answers
from kerasmap.recording.secrets import redact_text

SQLITE_PREFIX = "sqlite:///"
DATABASE_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433}  # when the URI has none


@dataclass(frozen=True)
class Store:
    """An opened MLflow tracking store.

    Args:
        client: A client of the store.
        uri: Its tracking URI, with any password hidden: for messages.
        label: Where it is, for the tags of a copy: `host:/path/mlflow.db` for a local file.
    """

    client: MlflowClient
    uri: str
    label: str


def open_source(value: str) -> Store:
    """Opens the local store to copy from: a path to an `mlflow.db` file or a `sqlite:///` URI.

    Raises:
        ConfigError: If it is not an existing MLflow SQLite store.
    """
    path = _sqlite_path(value)
    require(
        path is not None and path.is_file(),
        "SOURCE",
        value,
        "an existing `mlflow.db` file or a `sqlite:///` URI of one",
    )
    require(
        _has_runs_table(path), "SOURCE", value, "an MLflow store (this file has no MLflow tables)"
    )
    uri = f"{SQLITE_PREFIX}{path}"
    return Store(_contacted(uri, "SOURCE", value), uri, f"{socket.gethostname()}:{path}")


def open_target(value: str, source: Store) -> Store:
    """Opens the store to copy to: any tracking URI, such as `http://host:5000`.

    Raises:
        ConfigError: If it is not a URI, is the source itself, or does not answer.
    """
    require("://" in value, "TARGET", value, "a tracking URI: http(s)://, sqlite:/// or a database")
    path = _sqlite_path(value)
    if path is not None:
        require(path.parent.is_dir(), "TARGET", value, "a SQLite file in an existing folder")
        require(
            f"{SQLITE_PREFIX}{path}" != source.uri, "TARGET", value, "a store other than SOURCE"
        )
    shown = redact_text(value)
    if not _answers(value):
        raise ConfigError(
            f"The tracking store at `TARGET`={shown} did not answer within "
            f"{HEALTH_TIMEOUT_SECONDS} s; start it or correct `TARGET`."
        )
    return Store(_contacted(value, "TARGET", shown), shown, shown)


def _answers(uri: str) -> bool:
    """Whether the server or database at `uri` answers: MLflow's client retries for minutes."""
    if uri.startswith(("http://", "https://")):
        return server_answers(uri)
    parts = urlsplit(uri)
    port = parts.port or DATABASE_PORTS.get(parts.scheme.split("+")[0])
    if not parts.hostname or port is None:
        return True  # a local file or socket, which MLflow opens without retrying
    try:
        with socket.create_connection((parts.hostname, port), timeout=HEALTH_TIMEOUT_SECONDS):
            return True
    except OSError:
        return False


def _sqlite_path(value: str) -> Path | None:
    """The absolute path of a SQLite store given as a path or `sqlite:///` URI, else `None`."""
    if value.startswith(SQLITE_PREFIX):
        return Path(value.removeprefix(SQLITE_PREFIX)).resolve()
    if not value or "://" in value:
        return None
    return Path(value).resolve()


def _has_runs_table(path: Path) -> bool:
    """Whether the file is a SQLite database with MLflow's `runs` table, read without writing."""
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as database:
            found = database.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone()
    except sqlite3.DatabaseError:  # not a SQLite file at all
        return False
    return found is not None


def _contacted(uri: str, key: str, shown: str) -> MlflowClient:
    """A client of `uri` that has answered one query."""
    try:
        client = MlflowClient(tracking_uri=uri)
        client.search_experiments(max_results=1)
    except Exception as error:  # any database driver's or server's refusal
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(
            f"`{key}`={shown} could not be opened as an MLflow tracking store: {reason}"
        ) from None
    return client
