"""Training on several devices: `trainer.distribution`, `trainer.lr_scaling` and replicas.

The mirrored run trains in a new process whose CPU is split into two logical devices
(`KERASMAP_CPU_DEVICES=2`): TensorFlow fixes its devices when it first uses one, which
this process has done or may do at any time.
"""

from types import SimpleNamespace

import mlflow
import pytest
import tensorflow as tf

from kerasmap import stages
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.errors import ConfigError
from kerasmap.training.distribution import (
    CPU_DEVICES_VARIABLE,
    make_strategy,
    mirroring_problem,
    split_cpu_from_environment,
)
from kerasmap.training.execution import resolve_steps_per_execution

from pipeline_helpers import new_store, run_cli, runs_in, store_overrides, train_in_process

# 216 training examples in 7 steps of 32, two epochs. Plain SGD at this rate shows a wrong
# gradient scale: twice the step (lr_scaling=linear on two replicas) ends 0.1 away in
# test_loss. No dropout, whose random masks differ between replicas.
SMALL_RUN = [
    "data=moons",
    "data.num_samples=300",
    "model.hidden_units=[8]",
    "model.dropout=0.0",
    "optimizer=sgd",
    "optimizer.learning_rate=0.05",
    "trainer.epochs=2",
    "trainer.batch_size=32",
    "tracking.log_model=false",
]
# The replicas sum the same float32 numbers in another order: measured 3e-8 apart.
TOLERANCE = 1e-5


@pytest.mark.slow
def test_a_mirrored_run_on_two_cpu_devices_matches_one_device_at_the_same_global_batch(
    tmp_path,
):
    single = train_in_process(tmp_path / "single", *SMALL_RUN, "trainer.distribution=none")
    folder = new_store(tmp_path / "mirrored")
    overrides = [*SMALL_RUN, "trainer.distribution=mirrored", *store_overrides(folder)]
    result = run_cli("train", overrides, env={CPU_DEVICES_VARIABLE: "2"})
    assert result.returncode == 0, result.stderr
    (run_id,) = runs_in(folder)["run_id"]
    mirrored = mlflow.get_run(run_id)
    assert mirrored.info.status == "FINISHED"
    assert (mirrored.data.params["replicas"], single.data.params["replicas"]) == ("2", "1")
    for run in (mirrored, single):
        assert run.data.params["global_batch_size"] == "32"
        assert run.data.params["trainer.lr_scaling"] == "none"
    tested = sorted(name for name in single.data.metrics if name.startswith("test_"))
    assert tested
    for name in tested:
        assert mirrored.data.metrics[name] == pytest.approx(
            single.data.metrics[name], abs=TOLERANCE
        ), name


@pytest.mark.parametrize(
    "override, message",
    [
        (
            "trainer.distribution=multiworker",
            r"^Received an invalid value for `trainer.distribution`, expected one of 'auto', "
            r"'none', 'mirrored'. Received: trainer.distribution='multiworker'$",
        ),
        (
            "trainer.lr_scaling=sqrt",
            r"^Received an invalid value for `trainer.lr_scaling`, expected one of 'none', "
            r"'linear'. Received: trainer.lr_scaling='sqrt'$",
        ),
    ],
)
def test_a_bad_distribution_setting_is_one_sentence_naming_key_value_and_choices(override, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(compose_config([override]))


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_bad_cpu_device_count_is_one_sentence(monkeypatch, value):
    monkeypatch.setenv(CPU_DEVICES_VARIABLE, value)
    with pytest.raises(ConfigError, match="expected a whole number >= 1. Received: "):
        split_cpu_from_environment()


@pytest.mark.parametrize("requested", ["auto", "none", "mirrored"])
def test_one_cpu_device_trains_with_one_replica(requested):
    # This process never splits its CPU: every setting runs on the one device it has.
    bundle = fake_bundle(num_train=64, num_val=8, num_test=8)
    assert make_strategy(requested, bundle, batch_size=32).num_replicas_in_sync == 1


def fake_bundle(num_train: int, num_val: int, num_test: int, dtype=tf.float32):
    """What `mirroring_problem` reads of a `DatasetBundle`: sizes and the input type."""
    train = tf.data.Dataset.from_tensor_slices((tf.zeros([4, 2], dtype), tf.zeros([4])))
    return SimpleNamespace(train=train, num_train=num_train, num_val=num_val, num_test=num_test)


@pytest.mark.parametrize(
    "sizes, batch_size, dtype, problem",
    [
        ((216, 24, 60), 32, tf.float32, None),
        ((217, 24, 61), 32, tf.float32, None),  # a short last batch splits 13 + 12
        ((216, 24, 60), 33, tf.float32, "the first training batch holds 33 examples"),
        ((216, 25, 60), 32, tf.float32, "the first validation batch holds 25 examples"),
        ((225, 24, 60), 32, tf.float32, "the last training batch holds 1 of 32 examples"),
        ((216, 24, 60), 32, tf.string, "its inputs include strings"),
    ],
)
def test_data_that_keras_cannot_mirror_is_named(sizes, batch_size, dtype, problem):
    found = mirroring_problem(fake_bundle(*sizes, dtype=dtype), batch_size, replicas=2)
    assert found == problem if problem is None else found.startswith(problem)


def test_linear_scaling_multiplies_the_learning_rate_by_the_replicas():
    rates = {}
    for rule in ("none", "linear"):
        settings = load_settings(compose_config([f"trainer.lr_scaling={rule}"]))
        optimizer = stages.optimizer_for(settings, steps_per_epoch=10, replicas=4)
        rates[rule] = float(optimizer.learning_rate)
    assert rates["linear"] == pytest.approx(4 * rates["none"])


@pytest.mark.parametrize("setting", ["auto", "8"])
def test_replicas_run_one_step_per_call(setting):
    assert resolve_steps_per_execution(setting, steps_per_epoch=32, replicas=2) == 1
