"""Evaluate a model logged by `pipelines/train.py` on its dataset's test split.

    python pipelines/evaluate.py <run id>                      # the data the run trained on
    python pipelines/evaluate.py models:/homes@champion        # a registered model
    python pipelines/evaluate.py <run id> data.path=/data/fashion-mnist

The run's own overrides are replayed through the current configs, then any given here
are applied on top (to point at another copy of the data, or another store).
"""

import sys

from kerasmap.reports.evaluate import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
