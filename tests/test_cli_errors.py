"""A user mistake on the command line: one sentence, non-zero exit, no traceback, no store."""

import pytest

from pipeline_helpers import run_cli, store_overrides


def write_csv(folder):
    path = folder / "mnist.npz"
    path.write_text("label,pixel0\n1,0\n")
    return path


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["model=foo"],
            "Received an invalid value for `model`, expected one of attention, cnn, "
            "lstm, mlp. Received: model=foo",
        ),
        (
            ["trainer.epochs=abc"],
            "`trainer.epochs`: Value 'abc' of type 'str' could not be converted to Integer",
        ),
        (["trainer.foo=1"], "Received an unknown key `trainer.foo`"),
        (["+model.foo=1"], "Received an unknown key `model.foo`"),
        (
            ["model.dropout=1.5"],
            "`model.dropout`, expected a float in [0, 1). Received: model.dropout=1.5",
        ),
        (["trainer.batch_size=0"], "`trainer.batch_size`, expected an integer >= 1"),
        (["data.val_fraction=1.5"], "`data.val_fraction`, expected a float in (0, 1)"),
        (["model=cnn", "data=imdb"], "model families that fit imdb are: attention, lstm"),
        (
            ["optimizer=adamax"],
            "Received an invalid value for `optimizer`, expected one of "
            "adagrad, adam, adamw, rmsprop, sgd",
        ),
    ],
)
def test_bad_config_fails_before_anything_is_written(tmp_path, arguments, message):
    result = run_cli("train", [*arguments, *store_overrides(tmp_path)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error_lines) == 1
    assert message in error_lines[0]
    assert not (tmp_path / "mlflow.db").exists()
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["data.path={tmp}/missing"], "Received an invalid value for `data.path`"),
        (["data=mnist", "data.path={tmp}/mnist.npz"], "mnist.npz"),
    ],
)
def test_bad_data_file_fails_with_one_sentence_and_no_run(tmp_path, arguments, message):
    write_csv(tmp_path)
    arguments = [argument.format(tmp=tmp_path) for argument in arguments]
    result = run_cli("train", [*arguments, *store_overrides(tmp_path)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "mlflow.db").exists()
