"""Train again from a recorded run's config and report whether the metrics match.

    python pipelines/rerun.py <run id>                             # make rerun RUN=<run id>
    python pipelines/rerun.py <run id> data.path=/data/mnist.npz   # the data is elsewhere now

The run's recorded overrides choose the same config groups, its recorded resolved values
replace today's defaults, and the overrides given here apply last. The new run is tagged
`kerasmap.rerun_of=<run id>` and `kerasmap.rerun_match=true|false`, with the comparison in
`rerun/comparison.csv`. Metrics that differ are reported, not an error: the exit status
is 0 either way, and 2 for a mistake such as an unknown run id.
"""

import sys

from kerasmap.reports.rerun import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
