"""The weight penalty shared by every model family."""

from keras import regularizers


def kernel_regularizer(l1, l2):
    """Returns the L1/L2 penalty for hidden-layer kernels, or `None` without one.

    Returning `None` rather than a zero penalty keeps unregularized models free of
    regularization losses and their bookkeeping.

    Args:
        l1: L1 penalty factor.
        l2: L2 penalty factor.

    Returns:
        A `keras.regularizers.L1L2`, or `None` when both factors are 0.
    """
    if l1 == 0 and l2 == 0:
        return None
    return regularizers.L1L2(l1=l1, l2=l2)
