"""The fully connected GAN of the classic MNIST scripts."""

import math

import keras
from keras import layers

from keras_gen.networks.common import check_sizes, output_dtype


def mlp_generator(
    latent_dim=64, image_shape=(28, 28, 1), hidden_units=(256, 256), name="generator"
):
    """The classic fully connected generator: noise -> ReLU layers -> tanh image.

    Args:
        latent_dim: size of the noise vector.
        image_shape: `(height, width, channels)` of the output images.
        hidden_units: widths of the hidden layers.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    generator = kg.networks.mlp_generator(latent_dim=64, image_shape=(28, 28, 1))
    generator.output_shape  # (None, 28, 28, 1)
    ```
    """
    check_sizes(
        latent_dim=latent_dim, image_shape=image_shape, hidden_units=hidden_units
    )
    noise = keras.Input((latent_dim,), name="noise")
    x = noise
    for units in hidden_units:
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(math.prod(image_shape), activation="tanh", dtype=output_dtype())(x)
    images = layers.Reshape(tuple(image_shape), dtype=output_dtype(), name="images")(x)
    return keras.Model(noise, images, name=name)


def mlp_discriminator(
    image_shape=(28, 28, 1), hidden_units=(256, 256), name="discriminator"
):
    """The classic fully connected discriminator: image -> LeakyReLU(0.2) layers -> logit.

    Example:

    ```python
    import keras_gen as kg

    discriminator = kg.networks.mlp_discriminator(image_shape=(28, 28, 1))
    discriminator.output_shape  # (None, 1)
    ```
    """
    check_sizes(image_shape=image_shape, hidden_units=hidden_units)
    images = keras.Input(tuple(image_shape), name="images")
    x = layers.Flatten()(images)
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    logits = layers.Dense(1, dtype=output_dtype(), name="logits")(x)
    return keras.Model(images, logits, name=name)
