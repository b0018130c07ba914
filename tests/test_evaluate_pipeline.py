"""`pipelines/evaluate.py` re-evaluates a logged model on its test split."""

import pytest

from pipeline_helpers import compose_config, load_pipeline, runs_in, store_overrides

train_pipeline = load_pipeline("train")
evaluate_pipeline = load_pipeline("evaluate")


def test_evaluate_reproduces_the_logged_test_metrics(tmp_path, capsys):
    overrides = [
        "data=moons",
        "data.num_samples=200",
        "trainer.epochs=2",
        *store_overrides(tmp_path)[:3],
    ]
    train_pipeline.train(compose_config(overrides), overrides=overrides)
    run = runs_in(tmp_path).iloc[0]
    capsys.readouterr()  # the training's own epoch lines
    exit_code = evaluate_pipeline.main([run.run_id, *store_overrides(tmp_path)[:1]])
    assert exit_code == 0
    printed = dict(line.split() for line in capsys.readouterr().out.strip().splitlines())
    assert float(printed["test_accuracy"]) == pytest.approx(run["metrics.test_accuracy"], abs=1e-4)
    assert float(printed["test_loss"]) == pytest.approx(run["metrics.test_loss"], abs=1e-4)


def test_an_unknown_run_id_is_one_clear_error(tmp_path, capsys):
    overrides = [
        "data=moons",
        "data.num_samples=100",
        "trainer.epochs=1",
        *store_overrides(tmp_path)[:3],
    ]
    train_pipeline.train(compose_config(overrides), overrides=overrides)
    exit_code = evaluate_pipeline.main(["0123456789abcdef", *store_overrides(tmp_path)[:1]])
    assert exit_code == 2
    assert "no kerasmap run with that id" in capsys.readouterr().err


def test_a_bad_override_is_one_clear_error(capsys):
    assert evaluate_pipeline.main(["0123456789abcdef", "trainer.epochs=abc"]) == 2
    assert "`trainer.epochs`" in capsys.readouterr().err
