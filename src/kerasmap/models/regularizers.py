"""The weight penalty shared by every model family."""

from keras import regularizers

from kerasmap.models.validation import check_non_negative


def kernel_regularizer(l1=0.0, l2=0.0):
    """Returns the L1/L2 penalty for hidden-layer kernels, or `None` without one.

    Returning `None` rather than a zero penalty keeps unregularized models free of
    regularization losses and their bookkeeping.

    Args:
        l1: L1 penalty factor. Defaults to `0.0`.
        l2: L2 penalty factor. Defaults to `0.0`.

    Returns:
        A `keras.regularizers.L1L2`, or `None` when both factors are 0.

    Raises:
        ConfigError: If `l1` or `l2` is negative or not a number.
    """
    l1 = check_non_negative("l1", l1)
    l2 = check_non_negative("l2", l2)
    if l1 == 0 and l2 == 0:
        return None
    return regularizers.L1L2(l1=l1, l2=l2)
