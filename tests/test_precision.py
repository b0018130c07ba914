import pytest

from kerasmap.training.precision import cpu_flags, resolve_precision

BFLOAT16_UNITS = frozenset({"avx2", "amx_bf16"})
NO_BFLOAT16 = frozenset({"avx2", "avx512f"})


@pytest.mark.parametrize(
    ("requested", "family", "flags", "expected"),
    [
        ("auto", "cnn", BFLOAT16_UNITS, "mixed_bfloat16"),
        ("auto", "cnn", frozenset({"avx512_bf16"}), "mixed_bfloat16"),
        ("auto", "lstm", BFLOAT16_UNITS, "float32"),  # faster, but 0.81 points less accurate
        ("auto", "cnn", NO_BFLOAT16, "float32"),  # bfloat16 without its units is slower
        ("auto", "attention", BFLOAT16_UNITS, "float32"),  # measured 5% slower in bfloat16
        ("auto", "tabular", BFLOAT16_UNITS, "float32"),  # not measured
        ("float32", "cnn", BFLOAT16_UNITS, "float32"),
        ("mixed_bfloat16", "mlp", NO_BFLOAT16, "mixed_bfloat16"),
    ],
)
def test_auto_precision_is_bfloat16_only_where_the_cpu_and_family_pay_for_it(
    requested, family, flags, expected
):
    assert resolve_precision(requested, family, flags) == expected


def test_the_cpu_flags_are_read_from_the_machine():
    flags = cpu_flags()
    assert isinstance(flags, frozenset)
    assert not flags or "fpu" in flags  # every x86 CPU lists its floating-point unit
