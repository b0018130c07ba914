"""Milliseconds per training step of each model family in float32 and in mixed bfloat16.

    python benchmarks/cpu_precision.py                            # all families, 3 repeats
    python benchmarks/cpu_precision.py --families cnn --repeats 5

How the steps are timed (one step per call): `benchmarks/step_time.py`. The table shows
each policy's speed relative to float32. Whether bfloat16 pays on a CPU depends on the CPU
(AVX512-BF16 or AMX tiles).
"""

from step_time import compare_option

POLICIES = ["float32", "mixed_bfloat16"]


def main() -> None:
    compare_option(__doc__.splitlines()[0], "policy", POLICIES, POLICIES)


if __name__ == "__main__":
    main()
