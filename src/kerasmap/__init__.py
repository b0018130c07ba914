"""kerasmap: a Keras 3 training pipeline over Hydra configs, tf.data and MLflow.

Importing the package is cheap: TensorFlow is imported only by the stages that need it,
so configuration errors are reported before any heavy import.
"""

__version__ = "0.1.0"
