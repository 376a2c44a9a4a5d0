"""CycleGAN's residual generator (Zhu et al., 2017; Johnson et al., 2016)."""

import keras
from keras import layers

from keras_gen import validation
from keras_gen.networks.common import (
    check_sizes,
    conv_init,
    filters_at,
    instance_normalization,
    output_dtype,
)


def _conv_block(x, filters, kernel, strides=1, activation=True):
    x = layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding="same",
        use_bias=False,
        kernel_initializer=conv_init(),
    )(x)
    x = instance_normalization()(x)
    return layers.ReLU()(x) if activation else x


def _residual_block(x):
    """Two 3x3 convolutions with instance normalization, added to the input."""
    filters = x.shape[-1]
    y = _conv_block(x, filters, 3)
    y = _conv_block(y, filters, 3, activation=False)
    return layers.Add()([x, y])


def resnet_generator(
    image_shape=(28, 28, 1),
    output_channels=None,
    base_filters=64,
    residual_blocks=9,
    num_downsamplings=2,
    name="generator",
):
    """CycleGAN's generator: an image in, an image of the same size out.

    A 7x7 convolution to `base_filters` channels, `num_downsamplings`
    stride-2 3x3 convolutions (doubling the channels), `residual_blocks`
    residual blocks at the lowest resolution, as many stride-2 transposed
    convolutions back up, and a 7x7 convolution to a tanh image; instance
    normalization and ReLU after every convolution but the last. With the
    defaults this is the paper's generator for 256x256 images (c7s1-64, d128,
    d256, 9 residual blocks, u128, u64, c7s1-3); the paper uses 6 blocks for
    128x128. It pads with zeros where the paper reflects the border.

    Args:
        image_shape: `(height, width, channels)` of the input images; each
            side divisible by `2**num_downsamplings`. Default `(28, 28, 1)`.
        output_channels: channels of the output images; default the input's.
        base_filters: channels of the first convolution. Default 64.
        residual_blocks: residual blocks at the lowest resolution. Default 9.
        num_downsamplings: stride-2 convolutions. Default 2.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    net = kg.networks.resnet_generator((28, 28, 1), output_channels=3,
                                       base_filters=8, residual_blocks=2)
    net.output_shape  # (None, 28, 28, 3)
    ```
    """
    check_sizes(
        base_filters=base_filters,
        output_channels=output_channels,
        image_shape=image_shape,
    )
    validation.check_count(residual_blocks, "residual_blocks", minimum=0)
    validation.check_count(num_downsamplings, "num_downsamplings", minimum=0)
    factor = 2**num_downsamplings
    if image_shape[0] % factor or image_shape[1] % factor:
        raise ValueError(
            f"The generator halves {tuple(image_shape[:2])} {num_downsamplings} "
            f"times, so each side must be divisible by {factor}; resize the "
            "images or pass another `num_downsamplings`."
        )
    output_channels = output_channels or image_shape[-1]
    inputs = keras.Input(tuple(image_shape), name="images")
    x = _conv_block(inputs, base_filters, 7)
    for level in range(1, num_downsamplings + 1):
        x = _conv_block(x, filters_at(base_filters, level), 3, strides=2)
    for _ in range(residual_blocks):
        x = _residual_block(x)
    for level in reversed(range(num_downsamplings)):
        x = layers.Conv2DTranspose(
            filters_at(base_filters, level),
            3,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=conv_init(),
        )(x)
        x = instance_normalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2D(
        output_channels, 7, padding="same", kernel_initializer=conv_init()
    )(x)
    images = layers.Activation("tanh", dtype=output_dtype(), name="outputs")(x)
    return keras.Model(inputs, images, name=name)
