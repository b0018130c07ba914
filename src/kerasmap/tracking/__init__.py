"""MLflow tracking: the run's lifecycle, the per-epoch callback, and what each run records.

Model and data code never import this package; only the entry points and the fit stage's
callback list do.
"""
