"""`make evaluate` re-evaluates a logged model on its test split."""

import mlflow
import pytest

from kerasmap.reports.evaluate import main


def test_evaluate_reproduces_the_logged_test_metrics(cli_run, capsys):
    store = f"tracking.uri=sqlite:///{cli_run.folder}/mlflow.db"
    assert main([cli_run.run_id, store]) == 0
    printed = dict(line.split() for line in capsys.readouterr().out.strip().splitlines())
    mlflow.set_tracking_uri(f"sqlite:///{cli_run.folder}/mlflow.db")
    logged = mlflow.get_run(cli_run.run_id).data.metrics
    for name in ("test_accuracy", "test_loss", "test_auc", "test_macro_f1"):
        assert float(printed[name]) == pytest.approx(logged[name], abs=1e-4)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["0123456789abcdef", "{store}"],
            "Error: Received an invalid value for `RUN` (sqlite:///",
        ),
        (
            ["0123456789abcdef", "trainer.epochs=abc"],
            "Error: Received an invalid value for `trainer.epochs`, expected an integer",
        ),
        ([], "Usage: python pipelines/evaluate.py <run id or models:/name@alias>"),
    ],
)
def test_a_mistake_is_one_line_and_exit_status_2(cli_run, capsys, arguments, message):
    store = f"tracking.uri=sqlite:///{cli_run.folder}/mlflow.db"
    with pytest.raises(SystemExit) as stopped:
        raise SystemExit(main([argument.format(store=store) for argument in arguments]))
    assert stopped.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(message)
