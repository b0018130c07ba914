"""Serve a model logged by `pipelines/train.py` over HTTP on 127.0.0.1 (MLflow's server).

    python pipelines/serve.py <run id>                       # make serve: port 5001
    python pipelines/serve.py models:/homes@champion --port 5050 tracking.uri=...

Requests go to /invocations in MLflow's formats (`dataframe_split`, `dataframe_records` or
`inputs`); answers carry the class name, its probability and each class's probability.
"""

import sys

from kerasmap.reports.serve import main

if __name__ == "__main__":
    main(sys.argv[1:])
