"""Training an ensemble of members in one model, and the model that predicts their mean.

A model whose output has a member axis, `(batch, members, units)` (the `tabular` family),
is trained on the mean of its members' losses, each member against the same target, as
TabM does: every member learns on its own, so their mistakes differ and their mean is
better than any one of them. The metrics are measured on the members' mean, the prediction
that is evaluated and logged. After training, `member_average` gives that prediction as a
model of Keras's own layers, compiled with the task's usual loss and metrics.

A model without a member axis trains on the task's usual loss, unless targets are
smoothed (`trainer.label_smoothing`), which Keras's sparse cross-entropy cannot do.
"""

import keras
from keras import ops

from kerasmap.models.head import loss_and_metrics

MEMBER_AXIS = 1


def has_members(model: keras.Model) -> bool:
    """Whether the model's output has a member axis: `(batch, members, units)`."""
    return len(model.output.shape) == 3


def training_loss_and_metrics(task: str, members: bool, label_smoothing: float):
    """The loss and metrics to train with.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        members: Whether the model's output has a member axis.
        label_smoothing: Share of each classification target spread evenly over the classes.

    Returns:
        A `(loss, metrics)` tuple: Keras's own for a plain model with unsmoothed targets.
    """
    if not members and not label_smoothing:
        return loss_and_metrics(task)
    loss = MemberLoss(task, label_smoothing)
    if not members:
        return loss, loss_and_metrics(task)[1]
    return loss, [MembersMean(metric) for metric in loss_and_metrics(task)[1]]


class MemberLoss(keras.losses.Loss):
    """Each member's loss against the same target, averaged over members and examples.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        label_smoothing: Share of each classification target spread over the classes.
    """

    def __init__(self, task, label_smoothing, name="member_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.task = task
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        members = len(y_pred.shape) == 3
        if not members:
            y_pred = ops.expand_dims(y_pred, MEMBER_AXIS)
        if self.task == "regression":
            targets = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1, 1))
            return ops.mean(ops.square(y_pred - targets), axis=(1, 2))
        probabilities = ops.clip(y_pred, keras.config.epsilon(), 1 - keras.config.epsilon())
        if self.task == "binary":
            positive = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1, 1))
            targets = ops.concatenate([1 - positive, positive], axis=-1)
            probabilities = ops.concatenate([1 - probabilities, probabilities], axis=-1)
        else:
            labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
            targets = ops.expand_dims(ops.one_hot(labels, y_pred.shape[-1]), MEMBER_AXIS)
        classes = targets.shape[-1]
        targets = targets * (1 - self.label_smoothing) + self.label_smoothing / classes
        cross_entropy = -ops.sum(targets * ops.log(probabilities), axis=-1)
        return ops.mean(cross_entropy, axis=MEMBER_AXIS)

    def get_config(self):
        return super().get_config() | {"task": self.task, "label_smoothing": self.label_smoothing}


class MembersMean(keras.metrics.Metric):
    """A metric of the members' mean prediction, the one the ensemble makes.

    Args:
        metric: The task's metric, e.g. `keras.metrics.SparseCategoricalAccuracy`.
    """

    def __init__(self, metric, **kwargs):
        super().__init__(name=metric.name, **kwargs)
        self.metric = metric

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.metric.update_state(y_true, ops.mean(y_pred, axis=MEMBER_AXIS), sample_weight)

    def result(self):
        return self.metric.result()

    def reset_state(self):
        self.metric.reset_state()


def inference_model(model: keras.Model, task: str) -> keras.Model:
    """The trained model as it is evaluated and logged: compiled with Keras's own loss.

    A model with members becomes the model of their mean (sharing `model`'s layers and
    weights); a model trained on `MemberLoss` is compiled again with the task's usual loss,
    so that the saved model names only Keras's own classes and loads without kerasmap.
    """
    if not has_members(model) and not isinstance(model.loss, MemberLoss):
        return model
    trained = model
    if has_members(trained):
        mean = ops.mean(trained.output, axis=MEMBER_AXIS)
        model = keras.Model(trained.input, mean, name=trained.name)
    loss, metrics = loss_and_metrics(task)
    model.compile(
        optimizer=trained.optimizer,
        loss=loss,
        metrics=metrics,
        steps_per_execution=trained.steps_per_execution,
        jit_compile=trained.jit_compile,
    )
    return model
