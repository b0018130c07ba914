"""Compare tracked runs in one table: the jobs of a sweep, or every run of an experiment.

python pipelines/compare.py sweep_id=<sweep id>                  # a sweep's jobs, best first
python pipelines/compare.py metric=test_accuracy                 # every run of the experiment
python pipelines/compare.py +tags.kerasmap.sweep_role=job tracking.experiment=moons_binary

Prints the table in Markdown and writes it as CSV and Markdown into `output_dir`, with a
plot of `metric` against each swept param; for a sweep, the three files are also logged
on the sweep's parent run under `comparison/`.
"""

import hydra
from omegaconf import DictConfig

from kerasmap import cli
from kerasmap.reports.compare import compare, require_plus_for_tags


@hydra.main(version_base="1.3", config_path="../conf", config_name="compare")
def main(cfg: DictConfig) -> None:
    with cli.user_errors_exit():
        compare(cfg)


if __name__ == "__main__":
    cli.start(main, "compare", checks=[require_plus_for_tags])
