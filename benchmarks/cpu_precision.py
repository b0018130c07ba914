"""Milliseconds per training step of each model family in float32 and in mixed bfloat16.

    python benchmarks/cpu_precision.py                            # all families, 3 repeats
    python benchmarks/cpu_precision.py --families cnn --repeats 5

How the steps are timed (one step per call): `benchmarks/step_time.py`. The table shows
each policy's speed relative to float32. Whether bfloat16 pays on a CPU depends on the CPU
(AVX512-BF16 or AMX tiles).
"""

import argparse

from step_time import FAMILIES, print_step_times, step_milliseconds

POLICIES = ["float32", "mixed_bfloat16"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=FAMILIES)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    print_step_times(
        arguments.families,
        POLICIES,
        POLICIES,
        arguments.repeats,
        lambda family, policy, images, labels: step_milliseconds(
            family, images, labels, policy=policy
        ),
    )


if __name__ == "__main__":
    main()
