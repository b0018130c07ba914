"""One MLflow tracking server for a team: PostgreSQL for runs, artifacts proxied by the server.

    python pipelines/server.py                                  # make server: port 5002
    python pipelines/server.py --port 5050 --host 0.0.0.0 --artifacts s3://bucket/mlflow
    python pipelines/server.py --db postgresql://mlflow@db.example.org/mlflow --auth

Without `--db` (or KERASMAP_SERVER_DB), starts PostgreSQL in `mlflow-server/postgres`.
Prints the `tracking.uri=...` to train with, and serves until Ctrl-C.
"""

import argparse
import os
from pathlib import Path

from kerasmap.cli import user_errors_exit
from kerasmap.server.tracking_server import serve_team


@user_errors_exit()
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5002, help="port (default 5002)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument(
        "--db",
        default=os.environ.get("KERASMAP_SERVER_DB") or None,
        help="an existing database's URL (default: KERASMAP_SERVER_DB, else a local PostgreSQL)",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("mlflow-server"),
        help="the server's own folder: PostgreSQL, auth config (default mlflow-server)",
    )
    parser.add_argument(
        "--artifacts",
        help="folder or URI (s3://, gs://, ...) for artifacts (default: artifacts in --folder)",
    )
    parser.add_argument(
        "--auth",
        action="store_true",
        help="logins: MLflow's basic auth, admin from MLFLOW_AUTH_ADMIN_USERNAME/_PASSWORD",
    )
    arguments = parser.parse_args()
    serve_team(
        arguments.folder,
        arguments.port,
        arguments.host,
        arguments.db,
        arguments.artifacts or str(arguments.folder / "artifacts"),
        arguments.auth,
    )


if __name__ == "__main__":
    main()
