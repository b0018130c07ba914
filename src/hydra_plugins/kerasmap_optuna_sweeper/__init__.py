"""A Hydra sweeper that searches hyperparameters with current Optuna.

Select it with `hydra/sweeper: kerasmap_optuna` (see `conf/hparams_search/optuna.yaml`).
Hydra finds it because it lives in the `hydra_plugins` namespace package.
"""
