"""Promote a run's model to `models:/<name>@champion` if it beats the current champion.

    python pipelines/promote.py <run id> name=homes                 # gate on test_accuracy
    python pipelines/promote.py <sweep id> name=homes margin=0.01   # the sweep's best job
    python pipelines/promote.py <run id> name=prices metric=test_mae

The candidate's model is registered as a version of `name` if it is not one yet. Candidate
and champion are evaluated on the candidate run's test split; `@champion` moves only if the
candidate is better by more than `margin` (default 0). Other arguments are config
overrides, e.g. `tracking.uri=sqlite:///other.db`.
"""

import sys

from kerasmap.reports.promote import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
