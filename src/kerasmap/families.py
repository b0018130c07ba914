"""Which kind of input each dataset yields and each model family accepts.

Kept free of imports: config validation and the model builders share it, and a
family/dataset mismatch is reported before TensorFlow loads.
"""

DATASET_MODALITY = {
    "fashion_mnist": "image",
    "mnist": "image",
    "cifar10": "image",
    "imdb": "tokens",
    "moons": "features",
}

DATASET_TASK = {
    "fashion_mnist": "multiclass",
    "mnist": "multiclass",
    "cifar10": "multiclass",
    "imdb": "binary",
    "moons": "binary",
}

# The metrics each task's head is compiled with (see kerasmap.models.head).
TASK_METRICS = {
    "multiclass": ("accuracy",),
    "binary": ("accuracy", "auc"),
    "regression": ("mae",),
}

FAMILY_MODALITIES = {
    "mlp": ("image", "features"),
    "cnn": ("image",),
    "lstm": ("image", "tokens"),
    "attention": ("image", "tokens"),
}


def families_for(modality: str) -> list[str]:
    """Returns the model families that accept inputs of `modality`, sorted by name."""
    return sorted(family for family, kinds in FAMILY_MODALITIES.items() if modality in kinds)
