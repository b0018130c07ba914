"""MLflow's basic authentication on the team server: its config file and its environment.

The admin's credentials stay in MLflow's own environment variables and are never written:
MLflow creates that admin the first time the server starts on an empty user table, and later
starts only need the username. The config file holds where the users live (the tracking
database) and the permission every user has on experiments they did not create.
"""

import os
import secrets
from pathlib import Path

from kerasmap.errors import ConfigError

ADMIN_USERNAME = "MLFLOW_AUTH_ADMIN_USERNAME"
ADMIN_PASSWORD = "MLFLOW_AUTH_ADMIN_PASSWORD"
CONFIG_PATH = "MLFLOW_AUTH_CONFIG_PATH"
# Signs the CSRF tokens of the UI's forms; every worker of one server must share it.
SECRET_KEY = "MLFLOW_FLASK_SERVER_SECRET_KEY"
DEFAULT_PERMISSION = "READ"  # every user reads every experiment; writes need a grant
# How long a worker trusts a login it has checked. Checking one (a deliberately slow hash)
# took 0.2 to 0.5 s per request on a 2-core machine, on every request without it, 10 ms with
# it. A password changed or a user deleted takes up to this long to reach every worker.
LOGIN_CACHE_SECONDS = 60


def auth_environment(folder: Path, database_uri: str) -> dict[str, str]:
    """Writes the auth config into `folder` and returns the variables that point MLflow at it.

    Args:
        folder: The server's folder; the config is `basic_auth.ini` in it, readable by the
            owner only because `database_uri` may hold a password.
        database_uri: The SQLAlchemy URL of the database that keeps users and permissions
            (MLflow's auth tables and migrations live beside the tracking tables).

    Returns:
        `MLFLOW_AUTH_CONFIG_PATH` and `MLFLOW_FLASK_SERVER_SECRET_KEY`, to add to the
        server's environment.

    Raises:
        ConfigError: If `MLFLOW_AUTH_ADMIN_USERNAME` is not set.
    """
    require_admin()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "basic_auth.ini"
    config.unlink(missing_ok=True)
    descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(
            "[mlflow]\n"
            f"default_permission = {DEFAULT_PERMISSION}\n"
            # MLflow reads the file with interpolation on: a `%` (in an escaped password) doubles.
            f"database_uri = {database_uri.replace('%', '%%')}\n"
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
            f"auth_cache_ttl_seconds = {LOGIN_CACHE_SECONDS}\n"
        )
    return {
        CONFIG_PATH: str(config),
        SECRET_KEY: os.environ.get(SECRET_KEY) or secrets.token_hex(32),
    }


def require_admin() -> None:
    """Requires the admin's username in the environment, which MLflow reads on every start.

    Raises:
        ConfigError: If `MLFLOW_AUTH_ADMIN_USERNAME` is not set.
    """
    if not os.environ.get(ADMIN_USERNAME):
        raise ConfigError(
            f"Received no admin for the server's logins, expected the environment variables "
            f"{ADMIN_USERNAME} and {ADMIN_PASSWORD} (the password is needed on the first start "
            f"only). Received: {ADMIN_USERNAME} unset"
        )
