"""Milliseconds per training step of each model family without and with XLA (`jit_compile`).

    python benchmarks/xla.py                                      # all families, 3 repeats
    python benchmarks/xla.py --families cnn --repeats 5

How the steps are timed (one step per call): `benchmarks/step_time.py`. The table shows the
speed with XLA relative to without. kerasmap leaves `jit_compile` at Keras's `"auto"`, which
is off on a machine without a GPU and on (where the model supports it) on a GPU; this
benchmark measures whether XLA would pay on this CPU (README, "Performance").
"""

import argparse

from step_time import FAMILIES, print_step_times, step_milliseconds

SETTINGS = [False, True]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=FAMILIES)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    print_step_times(
        arguments.families,
        SETTINGS,
        ["without XLA", "with XLA"],
        arguments.repeats,
        lambda family, jit_compile, images, labels: step_milliseconds(
            family, images, labels, jit_compile=jit_compile
        ),
    )


if __name__ == "__main__":
    main()
