"""Connect to an MLflow store, creating a new one safely, and find (or create) the experiment.

MLflow creates a database store's tables, and migrates them to its schema, in whichever
process opens the store first. Commands started together on a store that does not exist yet
(two terminals on a fresh clone, the first jobs of a SLURM array) would each run that creation
at once, and all but one fail half-way. So kerasmap opens a database store under a lock that
every kerasmap process takes: a file beside a SQLite database (`mlflow.db-lock`), an advisory
lock inside a PostgreSQL database. The first process creates the store; the others wait,
then find it ready. A tracking server creates its own store, so an `http(s)://` URI needs
no lock here.
"""

import contextlib
import importlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException

from kerasmap.errors import KerasmapError
from kerasmap.recording.secrets import redact_text

# Any number, the same in every kerasmap process; PostgreSQL scopes it to the one database.
ADVISORY_LOCK_KEY = 7_240_315_001
# Imported before the lock is taken: a second of imports that no other process waits for.
STORE_MODULES = (
    "mlflow.store.tracking.sqlalchemy_store",
    "mlflow.store.model_registry.sqlalchemy_store",
)


class StoreUnusableError(KerasmapError):
    """The MLflow store could not be created or opened: not a database, no folder, a bad schema."""


def artifact_location(artifact_root: str, tracking_uri: str) -> str | None:
    """Returns `artifact_root` as a URI; a plain path is taken relative to the working folder.

    For a tracking server (`http(s)://`) a plain path gives `None`: the server's own
    artifact store, which it proxies for every client, instead of a folder on this machine
    that the server's other clients cannot read.
    """
    if "://" in artifact_root:
        return artifact_root
    if tracking_uri.startswith(("http://", "https://")):
        return None
    return Path(artifact_root).resolve().as_uri()


def create_store(uri: str, key: str = "tracking.uri") -> None:
    """Creates the database store at `uri` unless it exists, safely when others do at once.

    MLflow's tracking store and its model registry, which share one schema, are opened under
    the creation lock: the first time, that creates and migrates the schema. On a store at
    MLflow's schema the lock is held for 0.05 to 0.15 s (measured on 2 cores); importing
    MLflow's store modules, the slow part, happens before it is taken.

    Args:
        uri: Tracking URI, e.g. `sqlite:///mlflow.db` or `postgresql://host/mlflow`; an
            `http(s)://` server creates its own store, so nothing is done for one.
        key: The setting `uri` came from, named in the error. Defaults to `"tracking.uri"`.

    Raises:
        StoreUnusableError: If the store cannot be created or opened (a file that is not a
            database, a folder that cannot be made, a schema MLflow cannot migrate); the
            sentence gives MLflow's or the database's reason.
    """
    from alembic.util import CommandError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    if uri.startswith(("http://", "https://")):
        return
    for module in STORE_MODULES:
        importlib.import_module(module)
    database = make_url(uri)
    try:
        with _creation_lock(database.get_backend_name(), database.database, uri):
            client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
            client.search_experiments(max_results=1)
            client.search_registered_models(max_results=1)
    except (OSError, sqlite3.Error, SQLAlchemyError, MlflowException, CommandError) as error:
        raise StoreUnusableError(
            f"The MLflow store at `{key}`={redact_text(uri)} could not be opened "
            f"({redact_text(_reason(error))}); point `{key}` at another store, or repair this "
            f"one (`mlflow db upgrade` if an older MLflow made it)."
        ) from None


def open_experiment(uri: str, experiment: str, artifact_root: str) -> str:
    """Points MLflow at `uri` and returns the id of `experiment`, creating it if needed.

    Args:
        uri: Tracking URI, e.g. `sqlite:///mlflow.db` or `http://127.0.0.1:5000`.
        experiment: Experiment name.
        artifact_root: Where a new experiment keeps its artifacts (folder or URI); a folder
            is not used with a tracking server, which keeps artifacts in its own store.

    Returns:
        The experiment id.

    Raises:
        StoreUnusableError: If a database store cannot be created or opened.
    """
    create_store(uri)
    mlflow.set_tracking_uri(uri)
    found = mlflow.get_experiment_by_name(experiment)
    if found is not None:
        return found.experiment_id
    try:
        return mlflow.create_experiment(
            experiment, artifact_location=artifact_location(artifact_root, uri)
        )
    except MlflowException:
        # Another process created it between our lookup and our create.
        return mlflow.get_experiment_by_name(experiment).experiment_id


@contextlib.contextmanager
def _creation_lock(backend: str, database: str | None, uri: str) -> Iterator[None]:
    """Holds the lock that every kerasmap process takes to open the store at `uri`."""
    if backend == "sqlite" and database not in (None, "", ":memory:"):
        from filelock import FileLock

        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}-lock"):
            _require_sqlite_database(path)
            yield
    elif backend == "postgresql":
        with _advisory_lock(uri):
            yield
    else:  # in-memory SQLite is this process's alone; MySQL gets no lock of kerasmap's
        yield


def _require_sqlite_database(path: Path) -> None:
    """Raises `sqlite3.Error` at once for a path SQLite cannot use as a database.

    MLflow would retry a folder or an unreadable file for a minute and a half first.
    """
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA schema_version")


@contextlib.contextmanager
def _advisory_lock(uri: str) -> Iterator[None]:
    """PostgreSQL's advisory lock on the database, held by a connection of its own.

    The lock belongs to the session: closing the connection releases it, and so does the
    server when a process dies holding it.
    """
    import sqlalchemy

    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(
                sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            yield
    finally:
        engine.dispose()


def _reason(error: Exception) -> str:
    """The first sentence of what went wrong, without the exception's type or SQL."""
    if isinstance(error, FileExistsError):  # from making the database's folder
        return f"{error.filename} is a file, not a folder"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    # SQLAlchemy prefixes the driver's error with its type and appends the SQL: keep the first.
    cause = getattr(error, "orig", None) or error
    message = (getattr(cause, "message", None) or str(cause)).strip().splitlines()[0]
    return re.split(r"(?<=\.)\s+(?=[A-Z])", message)[0].rstrip(".")
