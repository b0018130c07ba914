"""`trainer.jit_compile`: which models Keras compiles with XLA (measured in benchmarks/xla.py)."""

import pytest
import tensorflow as tf

from kerasmap import stages
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.training.xla import MIN_XLA_STEPS, resolve_jit_compile


@pytest.mark.parametrize(
    "setting, family, input_kind, steps, replicas, expected",
    [
        ("auto", "mlp", "image", MIN_XLA_STEPS, 1, True),
        ("auto", "mlp", "features", 10_000, 1, True),
        ("auto", "mlp", "image", MIN_XLA_STEPS - 1, 1, False),  # compiling would not pay
        ("auto", "mlp", "table", 10_000, 1, False),  # lookups XLA cannot compile
        ("auto", "cnn", "image", 10_000, 1, False),  # ten times slower with XLA on a CPU
        ("auto", "lstm", "image", 10_000, 1, False),
        ("auto", "mlp", "image", 10_000, 2, False),  # Keras keeps XLA off for replicas
        ("true", "cnn", "image", 10, 1, True),
        ("false", "mlp", "image", 10_000, 1, False),
    ],
)
def test_auto_turns_xla_on_where_it_measured_faster_on_a_cpu(
    setting, family, input_kind, steps, replicas, expected
):
    assert resolve_jit_compile(setting, family, input_kind, steps, replicas) is expected


@pytest.mark.parametrize("epochs, expected", [(2, False), (MIN_XLA_STEPS, True)])
def test_a_long_mlp_run_is_compiled_with_xla(epochs, expected):
    # 200 moons at the default batch of 64 with 20% held out: 3 steps an epoch.
    overrides = ["data=moons", "data.num_samples=200", f"trainer.epochs={epochs}"]
    settings = load_settings(compose_config(overrides))
    bundle = stages.prepare(settings)
    model = stages.build(settings, bundle, "float32", tf.distribute.get_strategy())
    assert model.jit_compile is expected


def test_jit_compile_true_from_the_command_line_is_read_as_on():
    settings = load_settings(compose_config(["trainer.jit_compile=true"]))
    assert settings.trainer.jit_compile == "true"
