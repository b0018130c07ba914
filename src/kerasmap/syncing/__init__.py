"""Copying runs from a local MLflow store (a compute node's) to another, such as the team's.

`stores.py` opens and checks both ends, `run_copy.py` copies one run with its artifacts and
logged models, and `sync.py` decides which runs to copy, in which order, and reports.
"""
