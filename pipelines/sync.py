"""Copy the runs of a local MLflow store, with their artifacts and models, to another store.

    python pipelines/sync.py mlflow.db http://team-server:5000     # make sync SOURCE=... TARGET=...
    python pipelines/sync.py sqlite:////scratch/me/mlflow.db postgresql://user@db/mlflow

For compute nodes without network: train into a local store there, then copy its runs to the
team's server from a machine that reaches both. Runs already copied are skipped, so a second
sync copies nothing; runs still RUNNING wait for a later sync. A mistake (a missing store, a
server that does not answer) is one sentence and exit status 2.
"""

import sys

from kerasmap.syncing.sync import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
