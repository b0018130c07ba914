"""`make ui` opens on the experiment's runs, as a fresh headless browser shows them."""

import re

import mlflow
import pytest

from kerasmap.recording.ui_links import run_url

from browser import rendered_dom

pytestmark = pytest.mark.slow


def test_make_ui_prints_the_address_of_the_runs_table(ui_server, sweep_store):
    mlflow.set_tracking_uri(sweep_store.uri)
    experiment_id = mlflow.get_experiment_by_name("kerasmap").experiment_id
    assert ui_server.runs_url == (
        f"{ui_server.address}/#/experiments/{experiment_id}/runs?workflowType=machine_learning"
    )


def test_a_fresh_browser_at_that_address_sees_the_runs_not_the_traces_overview(
    ui_server, sweep_store
):
    dom = rendered_dom(ui_server.runs_url)
    assert sweep_store.parent["tags.mlflow.runName"] in dom  # the sweep, its jobs folded in it
    assert re.search(r"<strong>\d+</strong> matching runs", dom)


def test_the_address_a_run_prints_opens_that_run(ui_server, sweep_store):
    job = sweep_store.jobs.iloc[0]
    mlflow.set_tracking_uri(sweep_store.uri)
    experiment_id = mlflow.get_experiment_by_name("kerasmap").experiment_id
    url = run_url("sqlite:///mlflow.db", experiment_id, job.run_id, local_ui=ui_server.address)
    dom = rendered_dom(url)
    assert job["tags.mlflow.runName"] in dom
