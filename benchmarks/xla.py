"""Milliseconds per training step of each model family without and with XLA (`jit_compile`).

    python benchmarks/xla.py                                      # all families, 3 repeats
    python benchmarks/xla.py --families cnn --repeats 5

How the steps are timed (one step per call): `benchmarks/step_time.py`. The table shows the
speed with XLA relative to without. kerasmap leaves `jit_compile` at Keras's `"auto"`, which
is off on a machine without a GPU and on (where the model supports it) on a GPU; this
benchmark measures whether XLA would pay on this CPU (README, "Performance").
"""

from step_time import compare_option

SETTINGS = [False, True]


def main() -> None:
    compare_option(__doc__.splitlines()[0], "jit_compile", SETTINGS, ["without XLA", "with XLA"])


if __name__ == "__main__":
    main()
