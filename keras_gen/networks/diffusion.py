"""The noise predictor of `kg.Diffusion`: a U-Net with a time embedding.

The architecture of DDPM (Ho et al., 2020) at a size for small images:
residual blocks (group normalization, swish, 3x3 convolutions) that add a
projection of the sinusoidal embedding of the noise level, stride-2
convolutions down and nearest-neighbour upsampling back, skip connections
across, and self-attention at the lowest resolution. A class-conditional
network adds a learned embedding of the label to the time embedding, with
one extra label (`num_classes`) for "no label", which classifier-free
guidance needs.
"""

import math

import keras
from keras import layers, ops

from keras_gen.networks.common import check_sizes, output_dtype


@keras.saving.register_keras_serializable(package="keras_gen")
class SinusoidalEmbedding(layers.Layer):
    """The sinusoidal embedding of a noise level `t` in [0, 1] (Vaswani et al.,
    2017, as DDPM embeds its timestep): `[sin(1000 t w_i), cos(1000 t w_i)]`
    with frequencies `w_i` spaced geometrically from 1 to 1/10,000.

    Args:
        dim: the embedding's size (even).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.networks.SinusoidalEmbedding(16)(np.array([0.0, 0.5])).shape  # (2, 16)
    ```
    """

    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        if dim % 2:
            raise ValueError(f"The embedding's size must be even; got {dim}.")
        self.dim = int(dim)

    def call(self, t):
        half = self.dim // 2
        frequencies = ops.exp(
            -math.log(10_000.0) * ops.arange(half, dtype="float32") / half
        )
        angles = ops.reshape(ops.cast(t, "float32"), (-1, 1)) * 1000.0 * frequencies
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim}


def _groups(channels):
    return math.gcd(8, channels)


def _residual_block(x, embedding, filters):
    skip = x
    h = layers.GroupNormalization(_groups(x.shape[-1]))(x)
    h = layers.Activation("swish")(h)
    h = layers.Conv2D(filters, 3, padding="same")(h)
    shift = layers.Dense(filters)(embedding)
    h = h + layers.Reshape((1, 1, filters))(shift)
    h = layers.GroupNormalization(_groups(filters))(h)
    h = layers.Activation("swish")(h)
    h = layers.Conv2D(filters, 3, padding="same", kernel_initializer="zeros")(h)
    if skip.shape[-1] != filters:
        skip = layers.Conv2D(filters, 1)(skip)
    return layers.Add()([skip, h])


def _attention_block(x, heads=4):
    height, width, channels = x.shape[1:]
    h = layers.GroupNormalization(_groups(channels))(x)
    h = layers.Reshape((height * width, channels))(h)
    h = layers.MultiHeadAttention(heads, max(channels // heads, 1))(h, h)
    h = layers.Reshape((height, width, channels))(h)
    return layers.Add()([x, h])


def diffusion_unet(
    image_shape,
    base_filters=32,
    channel_multipliers=(1, 2, 2),
    res_blocks=1,
    attention=True,
    num_classes=None,
    name="unet",
):
    """A U-Net noise predictor: `[noisy images, noise level t]` -> images.

    Args:
        image_shape: `(height, width, channels)`; height and width must
            halve `len(channel_multipliers) - 1` times (28x28: two levels
            below the first, to 14 and 7).
        base_filters: channels at full resolution. Default 32.
        channel_multipliers: channels of each resolution, in multiples of
            `base_filters`. Default `(1, 2, 2)`.
        res_blocks: residual blocks per resolution on the way down (one
            more on the way up). Default 1.
        attention: self-attention at the lowest resolution. Default True.
        num_classes: for a class-conditional network, the number of
            classes; it takes a third input, the label, where `num_classes`
            means "no label". Default `None`.
        name: the model's name.

    Sizes: the default (32, `(1, 2, 2)`) has about 1.1M parameters, and
    width 16 (the "mnist" preset of `kg.Diffusion`) a quarter of that,
    small enough to train on a CPU at 28x28; on a GPU,
    `base_filters=64`, `channel_multipliers=(1, 2, 2, 2)` and
    `res_blocks=2` (DDPM's CIFAR-10 network at about 35M parameters) for
    32x32 images.

    Example:

    ```python
    import keras_gen as kg

    unet = kg.networks.diffusion_unet((28, 28, 1), base_filters=8)
    [tuple(t.shape) for t in unet.inputs]  # [(None, 28, 28, 1), (None,)]
    ```
    """
    check_sizes(image_shape, base_filters=base_filters, res_blocks=res_blocks)
    levels = len(channel_multipliers)
    factor = 2 ** (levels - 1)
    if image_shape[0] % factor or image_shape[1] % factor:
        raise ValueError(
            f"A U-Net of {levels} resolutions halves the image {levels - 1} "
            f"times: its sides must be multiples of {factor}; got "
            f"{tuple(image_shape[:2])}. Use fewer `channel_multipliers`."
        )
    images = keras.Input(image_shape, name="noisy_images")
    t = keras.Input((), name="noise_level")
    inputs = [images, t]
    embedding_dim = base_filters * 4
    embedding = SinusoidalEmbedding(base_filters)(t)
    embedding = layers.Dense(embedding_dim, activation="swish")(embedding)
    embedding = layers.Dense(embedding_dim)(embedding)
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        embedding = embedding + layers.Embedding(num_classes + 1, embedding_dim)(labels)
    embedding = layers.Activation("swish")(embedding)

    x = layers.Conv2D(base_filters, 3, padding="same")(images)
    skips = [x]
    for level, multiplier in enumerate(channel_multipliers):
        for _ in range(res_blocks):
            x = _residual_block(x, embedding, base_filters * multiplier)
            skips.append(x)
        if level < levels - 1:
            x = layers.Conv2D(x.shape[-1], 3, strides=2, padding="same")(x)
            skips.append(x)
    x = _residual_block(x, embedding, x.shape[-1])
    if attention:
        x = _attention_block(x)
    x = _residual_block(x, embedding, x.shape[-1])
    for level in reversed(range(levels)):
        for _ in range(res_blocks + 1):
            x = layers.Concatenate()([x, skips.pop()])
            x = _residual_block(x, embedding, base_filters * channel_multipliers[level])
        if level > 0:
            x = layers.UpSampling2D(2)(x)
            x = layers.Conv2D(x.shape[-1], 3, padding="same")(x)
    x = layers.GroupNormalization(_groups(x.shape[-1]))(x)
    x = layers.Activation("swish")(x)
    outputs = layers.Conv2D(
        image_shape[-1],
        3,
        padding="same",
        kernel_initializer="zeros",
        dtype=output_dtype(),
    )(x)
    return keras.Model(inputs, outputs, name=name)
