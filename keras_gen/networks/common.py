"""What the network builders share: initialisers, output dtype, size checks and
the spatial plan of convolutional stacks."""

import math

import keras

from keras_gen import validation


def conv_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def output_dtype():
    """Outputs use the dtype policy's variable dtype: float32 under mixed precision,
    float64 under the `"float64"` policy."""
    return keras.config.dtype_policy().variable_dtype


def gamma_init():
    return keras.initializers.RandomNormal(mean=1.0, stddev=0.02)


def instance_normalization():
    """Instance normalization (Ulyanov et al., 2016): `GroupNormalization`
    with one group per channel."""
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)


def spatial_plan(image_shape):
    """Returns `(base_height, base_width, num_doublings)` for an image shape.

    The DCGAN and VAE convolutional stacks start from a small grid of
    `base_height x base_width` (4 or 7 on each side) and double it
    `num_doublings` times.

    Raises:
        ValueError: if a side is not `4 * 2**k` or `7 * 2**k`, or the two
            sides need different numbers of doublings.
    """
    if len(image_shape) != 3:
        raise ValueError(
            f"`image_shape` must be (height, width, channels); got {image_shape!r}."
        )
    plans = []
    for side in image_shape[:2]:
        plan = None
        for base in (4, 7):
            doublings = math.log2(side / base) if side >= base else -1
            if doublings >= 0 and doublings == int(doublings):
                plan = (base, int(doublings))
                break
        if plan is None:
            raise ValueError(
                f"Convolutional networks here need image sides of the form "
                f"4 * 2**k or 7 * 2**k (28, 32, 56, 64, 128, ...); got "
                f"{image_shape[:2]}. Resize the images, or pass your own networks."
            )
        plans.append(plan)
    if plans[0][1] != plans[1][1]:
        raise ValueError(
            f"Height and width of {image_shape[:2]} need different numbers "
            "of doublings; use sides that share one, e.g. 28x28 or 32x56."
        )
    return plans[0][0], plans[1][0], plans[0][1]


def check_sizes(image_shape=None, hidden_units=(), **sizes):
    """Raises `ValueError` naming the first size that is not a whole number >= 1
    (`None` sizes are left out), or a bad `image_shape`."""
    for name, value in sizes.items():
        if value is not None:
            validation.check_count(value, name)
    for width in hidden_units:
        validation.check_count(width, "hidden_units' widths")
    if image_shape is not None:
        validation.check_shape(image_shape, "image_shape")


def filters_at(base_filters, level):
    """Channels at `level` of a stack that doubles them from `base_filters`."""
    return base_filters * 2**level
