"""Class labels as network inputs: the one-hot codes that CGAN and CVAE share."""

from keras import ops


def check_num_classes(num_classes):
    """Returns `num_classes` as an int; raises `ValueError` unless it is >= 2."""
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, float))
        or int(num_classes) != num_classes
        or num_classes < 2
    ):
        raise ValueError(f"`num_classes` must be an integer >= 2; got {num_classes!r}.")
    return int(num_classes)


def one_hot(labels, num_classes, dtype):
    """One-hot codes `(batch, num_classes)` of integer labels `(batch,)` or `(batch, 1)`.

    Labels outside `[0, num_classes)` are clipped into it, the same on every
    backend (PyTorch would raise inside the step, TensorFlow and JAX give a
    row of zeros); the train step's data check reports such a batch.
    """
    labels = ops.clip(ops.reshape(ops.cast(labels, "int32"), (-1,)), 0, num_classes - 1)
    return ops.one_hot(labels, num_classes, dtype=dtype)


def with_vector(vectors, codes):
    """`vectors` `(batch, n)` with the one-hot `codes` appended."""
    return ops.concatenate([vectors, ops.cast(codes, vectors.dtype)], axis=-1)


def with_channels(images, codes):
    """`images` `(batch, H, W, C)` with the one-hot `codes` tiled as extra channels."""
    codes = ops.cast(codes, images.dtype)
    height, width = images.shape[1], images.shape[2]
    maps = ops.tile(codes[:, None, None, :], (1, height, width, 1))
    return ops.concatenate([images, maps], axis=-1)
