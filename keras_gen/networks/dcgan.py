"""The DCGAN networks (Radford et al., 2016) for sides of 4 * 2**k or 7 * 2**k."""

import keras
from keras import layers

from keras_gen.networks.common import (
    check_sizes,
    conv_init,
    filters_at,
    gamma_init,
    output_dtype,
    spatial_plan,
)


def dcgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    base_filters=64,
    input_dim=None,
    name="generator",
):
    """The DCGAN generator for `image_shape`, from noise to a tanh image.

    The noise is projected to a `base x base` grid (4 or 7 per side) of
    `base_filters * 2**(k-1)` channels, then each of the `k` stride-2
    transposed convolutions doubles the grid and halves the channels; the last
    one outputs the image channels with tanh. For 64x64 this is the paper's
    4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64xC.

    Args:
        latent_dim: size of the noise vector.
        image_shape: `(height, width, channels)` with sides `4*2**k` or `7*2**k`.
        base_filters: channels of the last hidden layer; others double from it.
        input_dim: size of the input vector when it is more than the noise
            (a conditional generator's noise plus one-hot label); defaults to
            `latent_dim`.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    generator = kg.networks.dcgan_generator(latent_dim=100, image_shape=(64, 64, 1))
    generator.output_shape  # (None, 64, 64, 1)
    ```
    """
    check_sizes(latent_dim=latent_dim, base_filters=base_filters, input_dim=input_dim)
    base_h, base_w, doublings = spatial_plan(image_shape)
    if doublings < 1:
        raise ValueError(
            f"The DCGAN generator needs images of at least 8x8 or 14x14; got "
            f"{image_shape[:2]}."
        )
    inputs = keras.Input((input_dim or latent_dim,), name="noise")
    top = filters_at(base_filters, doublings - 1)
    x = layers.Dense(
        base_h * base_w * top, use_bias=False, kernel_initializer=conv_init()
    )(inputs)
    x = layers.Reshape((base_h, base_w, top))(x)
    x = layers.BatchNormalization(gamma_initializer=gamma_init())(x)
    x = layers.ReLU()(x)
    for level in reversed(range(doublings - 1)):
        x = layers.Conv2DTranspose(
            filters_at(base_filters, level),
            4,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=conv_init(),
        )(x)
        x = layers.BatchNormalization(gamma_initializer=gamma_init())(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(
        image_shape[-1],
        4,
        strides=2,
        padding="same",
        use_bias=False,
        kernel_initializer=conv_init(),
    )(x)
    images = layers.Activation("tanh", dtype=output_dtype(), name="images")(x)
    return keras.Model(inputs, images, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1), base_filters=64, input_channels=None, name="discriminator"
):
    """The DCGAN discriminator for `image_shape`, from an image to one logit.

    Each stride-2 convolution halves the grid and doubles the channels,
    starting at `base_filters` (no BatchNorm on the first), until the grid is
    4 or 7 per side; a dense layer then gives the logit (the paper's final
    4x4 convolution).

    Args:
        image_shape: `(height, width, channels)` with sides `4*2**k` or `7*2**k`.
        base_filters: channels of the first convolution.
        input_channels: channels of the input when it is more than the image
            (a conditional discriminator's label maps); defaults to the
            image's.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    discriminator = kg.networks.dcgan_discriminator(image_shape=(64, 64, 1))
    discriminator.output_shape  # (None, 1)
    ```
    """
    check_sizes(base_filters=base_filters, input_channels=input_channels)
    _, _, doublings = spatial_plan(image_shape)
    if doublings < 1:
        raise ValueError(
            f"The DCGAN discriminator needs images of at least 8x8 or 14x14; "
            f"got {image_shape[:2]}."
        )
    channels = input_channels or image_shape[-1]
    images = keras.Input(tuple(image_shape[:2]) + (channels,), name="images")
    x = images
    for level in range(doublings):
        x = layers.Conv2D(
            filters_at(base_filters, level),
            4,
            strides=2,
            padding="same",
            use_bias=level == 0,
            kernel_initializer=conv_init(),
        )(x)
        if level > 0:
            x = layers.BatchNormalization(gamma_initializer=gamma_init())(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(
        1, kernel_initializer=conv_init(), dtype=output_dtype(), name="logits"
    )(x)
    return keras.Model(images, logits, name=name)
