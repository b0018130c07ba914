"""Recording a training run in MLflow: its lifecycle, every epoch, what it ran with, its model.

Model and data code never import this package; only `kerasmap.run` and the fit stage's
callback list do.
"""
