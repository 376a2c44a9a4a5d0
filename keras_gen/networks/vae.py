"""The VAE's convolutional encoder and decoder."""

import keras
from keras import layers

from keras_gen.networks.common import (
    check_sizes,
    filters_at,
    output_dtype,
    spatial_plan,
)


def vae_encoder(
    image_shape=(28, 28, 1),
    latent_dim=16,
    base_filters=16,
    input_channels=None,
    name="encoder",
):
    """Convolutional encoder from an image to `[z_mean, z_log_var]`.

    Args:
        image_shape: `(height, width, channels)` with sides `4*2**k` or `7*2**k`.
        latent_dim: size of the latent vector.
        base_filters: channels of the first stride-2 convolution; they double
            at each following one. Default 16: on MNIST it reaches a lower
            -ELBO in a fixed time than wider networks (`docs/benchmarks.md`).
        input_channels: channels of the input when it is more than the image
            (a conditional encoder's label maps); defaults to the image's.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    encoder = kg.networks.vae_encoder(image_shape=(28, 28, 1), latent_dim=16)
    [tuple(shape) for shape in encoder.output_shape]  # [(None, 16), (None, 16)]
    ```
    """
    check_sizes(
        latent_dim=latent_dim, base_filters=base_filters, input_channels=input_channels
    )
    _, _, doublings = spatial_plan(image_shape)
    channels = input_channels or image_shape[-1]
    images = keras.Input(tuple(image_shape[:2]) + (channels,), name="images")
    x = images
    for level in range(min(doublings, 2)):
        x = layers.Conv2D(
            filters_at(base_filters, level),
            3,
            strides=2,
            padding="same",
            activation="relu",
        )(x)
    x = layers.Flatten()(x)
    x = layers.Dense(256, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, dtype=output_dtype(), name="z_mean")(x)
    z_log_var = layers.Dense(
        latent_dim, kernel_initializer="zeros", dtype=output_dtype(), name="z_log_var"
    )(x)
    return keras.Model(images, [z_mean, z_log_var], name=name)


def vae_decoder(
    image_shape=(28, 28, 1),
    latent_dim=16,
    base_filters=16,
    input_dim=None,
    name="decoder",
):
    """Convolutional decoder from a latent vector to an image's parameters.

    The output is linear: logits of a Bernoulli per pixel, or the mean of a
    Gaussian; the VAE applies the likelihood's link. The arguments mirror
    `vae_encoder`'s: the transposed convolutions have `base_filters`
    channels at full resolution, doubling at each coarser one. `input_dim`
    is the size of the input vector when it is more than `z` (a conditional
    decoder's `z` plus one-hot label); it defaults to `latent_dim`.

    Example:

    ```python
    import keras_gen as kg

    decoder = kg.networks.vae_decoder(image_shape=(28, 28, 1), latent_dim=16)
    decoder.output_shape  # (None, 28, 28, 1)
    ```
    """
    check_sizes(latent_dim=latent_dim, base_filters=base_filters, input_dim=input_dim)
    _, _, doublings = spatial_plan(image_shape)
    ups = min(doublings, 2)
    grid_h, grid_w = image_shape[0] // 2**ups, image_shape[1] // 2**ups
    top = filters_at(base_filters, ups - 1) if ups else base_filters
    z = keras.Input((input_dim or latent_dim,), name="z")
    x = layers.Dense(256, activation="relu")(z)
    x = layers.Dense(grid_h * grid_w * top, activation="relu")(x)
    x = layers.Reshape((grid_h, grid_w, top))(x)
    for level in reversed(range(ups)):
        x = layers.Conv2DTranspose(
            filters_at(base_filters, level),
            3,
            strides=2,
            padding="same",
            activation="relu",
        )(x)
    outputs = layers.Conv2D(
        image_shape[-1], 3, padding="same", dtype=output_dtype(), name="decoder_output"
    )(x)
    return keras.Model(z, outputs, name=name)
