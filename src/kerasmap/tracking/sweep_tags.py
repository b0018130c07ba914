"""How a sweep is recorded in MLflow: the names shared by the sweep callback, the training
jobs and the comparison tool.

A sweep is one parent run with one child run per job, all in the same experiment. Children
are nested under the parent through MLflow's own `mlflow.parentRunId` tag, and every run of
a sweep (parent included) carries `SWEEP_ID_TAG`, so one query finds them all:

    mlflow.search_runs(filter_string=f"tags.`{SWEEP_ID_TAG}` = '{sweep_id}'")
"""

SWEEP_ID_TAG = "kerasmap.sweep_id"  # the sweep's id, on the parent and on every job
ROLE_TAG = "kerasmap.sweep_role"  # ROLE_PARENT or ROLE_JOB
ROLE_PARENT = "parent"
ROLE_JOB = "job"
BEST_RUN_TAG = "kerasmap.best_run_id"  # on the parent: the job with the best objective
BEST_PARAM_PREFIX = "best."  # on the parent: the best job's value of each swept key

OVERRIDES_PARAM = "sweep.overrides"  # on the parent: the sweep's command-line overrides
SWEPT_KEYS_PARAM = "sweep.swept_keys"  # on the parent: comma-separated keys that vary
METRIC_PARAM = "sweep.metric"  # on the parent: the objective, e.g. best_val_loss
DIRECTION_PARAM = "sweep.direction"  # on the parent: minimize or maximize

JOBS_FINISHED_METRIC = "jobs_finished"  # on the parent, at the end of the sweep
JOBS_FAILED_METRIC = "jobs_failed"
