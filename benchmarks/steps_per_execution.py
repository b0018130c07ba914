"""Milliseconds per training step of each model family at several `steps_per_execution`.

    python benchmarks/steps_per_execution.py                      # all families, 3 repeats
    python benchmarks/steps_per_execution.py --families mlp cnn --repeats 5

How the steps are timed: `benchmarks/step_time.py`. The table shows each setting's speed
relative to one step per call; `auto` in `kerasmap.training.execution` takes the best.
"""

import argparse

from step_time import FAMILIES, print_step_times, step_milliseconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=FAMILIES)
    parser.add_argument("--settings", type=int, nargs="+", default=[1, 4, 8, 32])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    print_step_times(
        arguments.families,
        arguments.settings,
        [f"{setting} per call" for setting in arguments.settings],
        arguments.repeats,
        lambda family, setting, images, labels: step_milliseconds(
            family, images, labels, steps_per_execution=setting
        ),
    )


if __name__ == "__main__":
    main()
