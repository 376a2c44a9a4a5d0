"""Pix2pix's U-Net generator and PatchGAN discriminator (Isola et al., 2017)."""

import keras
from keras import layers

from keras_gen import validation
from keras_gen.networks.common import (
    check_sizes,
    conv_init,
    gamma_init,
    instance_normalization,
    output_dtype,
    spatial_plan,
)

#: Filters stop doubling at `base_filters * 2**MAX_LEVEL` (512 for 64), as in
#: the pix2pix paper's encoder.
MAX_LEVEL = 3


def _unet_filters(base_filters, level):
    return base_filters * 2 ** min(level, MAX_LEVEL)


#: What `patchgan_discriminator(normalization=...)` takes.
NORMALIZATIONS = ("batch", "instance")


def _down(x, filters, strides, first, normalization="batch"):
    """A kernel-4 convolution, normalization unless `first`, LeakyReLU(0.2)."""
    x = layers.Conv2D(
        filters,
        4,
        strides=strides,
        padding="same",
        use_bias=first,
        kernel_initializer=conv_init(),
    )(x)
    if not first and normalization == "batch":
        x = layers.BatchNormalization(gamma_initializer=gamma_init())(x)
    elif not first:
        x = instance_normalization()(x)
    return layers.LeakyReLU(negative_slope=0.2)(x)


def unet_generator(
    image_shape=(28, 28, 1),
    output_channels=None,
    base_filters=64,
    dropout=0.5,
    seed=None,
    name="generator",
):
    """The pix2pix U-Net (Isola et al., 2017): an image in, an image out.

    The encoder halves the grid with stride-2 convolutions (kernel 4,
    LeakyReLU(0.2), BatchNorm on all but the first) until it is 4 or 7 per
    side, then one convolution as wide as that grid reduces it to 1x1: the
    paper's bottleneck. The decoder mirrors it with transposed convolutions
    (BatchNorm, ReLU), concatenating each encoder level's features (the skip
    connections), and ends in a tanh image. Dropout after the first three
    decoder layers is the generator's only source of noise, as in the paper.
    For 256x256 this is the paper's C64-C128-C256-C512-C512-C512 encoder (to
    4x4, then 1x1) and its mirrored decoder; for 28x28 it is
    28 -> 14 -> 7 -> 1 -> 7 -> 14 -> 28.

    Args:
        image_shape: `(height, width, channels)` of the input images, sides
            `4*2**k` or `7*2**k` with `k >= 1`. Default `(28, 28, 1)`.
        output_channels: channels of the output images; default the input's.
        base_filters: channels of the first encoder layer; they double per
            level up to `8 * base_filters`. Default 64.
        dropout: dropout rate of the first three decoder layers, applied in
            training only; 0 disables it. Default 0.5.
        seed: optional int seeding the dropout layers.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    unet = kg.networks.unet_generator(image_shape=(28, 28, 1), base_filters=8)
    unet.output_shape  # (None, 28, 28, 1)
    ```
    """
    check_sizes(
        base_filters=base_filters,
        output_channels=output_channels,
        image_shape=image_shape,
    )
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` is a rate in [0, 1); got {dropout!r}.")
    base_h, base_w, doublings = spatial_plan(image_shape)
    if doublings < 1:
        raise ValueError(
            f"The U-Net needs images of at least 8x8 or 14x14; got {image_shape[:2]}."
        )
    output_channels = output_channels or image_shape[-1]
    inputs = keras.Input(tuple(image_shape), name="inputs")
    x = inputs
    skips = []
    for level in range(doublings):
        x = _down(x, _unet_filters(base_filters, level), 2, first=level == 0)
        skips.append(x)
    # The bottleneck: the base grid to 1x1 and back.
    x = layers.Conv2D(
        _unet_filters(base_filters, doublings),
        (base_h, base_w),
        padding="valid",
        kernel_initializer=conv_init(),
    )(x)
    x = layers.ReLU()(x)
    upsamplings = [((base_h, base_w), 1, "valid")] + [(4, 2, "same")] * (doublings - 1)
    for index, ((kernel, strides, padding), skip) in enumerate(
        zip(upsamplings, reversed(skips))
    ):
        x = layers.Conv2DTranspose(
            skip.shape[-1],
            kernel,
            strides=strides,
            padding=padding,
            use_bias=False,
            kernel_initializer=conv_init(),
        )(x)
        x = layers.BatchNormalization(gamma_initializer=gamma_init())(x)
        if dropout and index < 3:
            x = layers.Dropout(dropout, seed=None if seed is None else seed + index)(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate()([x, skip])
    x = layers.Conv2DTranspose(
        output_channels,
        4,
        strides=2,
        padding="same",
        kernel_initializer=conv_init(),
    )(x)
    images = layers.Activation("tanh", dtype=output_dtype(), name="images")(x)
    return keras.Model(inputs, images, name=name)


def patchgan_discriminator(
    image_shape=(28, 28, 2),
    base_filters=64,
    num_downsamplings=None,
    normalization="batch",
    name="discriminator",
):
    """The pix2pix PatchGAN: one real/fake logit per overlapping image patch.

    It sees an input image and an output (or target) image stacked along the
    channels: `image_shape` counts both. Stride-2 convolutions (kernel 4,
    LeakyReLU(0.2), BatchNorm on all but the first) halve the grid
    `num_downsamplings` times, doubling the channels; then one stride-1
    convolution and a last one to one channel give a grid of logits, each
    judging a patch of the pair. With 3 downsamplings this is the paper's
    70x70 PatchGAN; for 28x28 images the default of 2 gives a 7x7 grid of
    logits.

    Args:
        image_shape: `(height, width, channels)` of the stacked pair, sides
            `4*2**k` or `7*2**k` with `k >= 1`.
        base_filters: channels of the first convolution. Default 64.
        num_downsamplings: stride-2 convolutions; default
            `min(3, k)`, so that the logit grid is never smaller than the
            U-Net's base grid.
        normalization: `"batch"` (default, pix2pix's) or `"instance"`
            (CycleGAN's, which judges each image on its own).
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    patchgan = kg.networks.patchgan_discriminator(image_shape=(28, 28, 2), base_filters=8)
    patchgan.output_shape  # (None, 7, 7, 1)
    ```
    """
    check_sizes(
        base_filters=base_filters,
        num_downsamplings=num_downsamplings,
        image_shape=image_shape,
    )
    validation.check_choice(normalization, "normalization", NORMALIZATIONS)
    _, _, doublings = spatial_plan(image_shape)
    if doublings < 1:
        raise ValueError(
            f"The PatchGAN needs images of at least 8x8 or 14x14; got {image_shape[:2]}."
        )
    if num_downsamplings is None:
        num_downsamplings = min(MAX_LEVEL, doublings)
    if num_downsamplings > doublings:
        raise ValueError(
            f"`num_downsamplings`={num_downsamplings} would halve "
            f"{image_shape[:2]} below its base grid; use at most {doublings}."
        )
    pairs = keras.Input(tuple(image_shape), name="pairs")
    x = pairs
    for level in range(num_downsamplings + 1):
        strides = 2 if level < num_downsamplings else 1
        x = _down(
            x,
            _unet_filters(base_filters, level),
            strides,
            first=level == 0,
            normalization=normalization,
        )
    logits = layers.Conv2D(
        1,
        4,
        padding="same",
        kernel_initializer=conv_init(),
        dtype=output_dtype(),
        name="logits",
    )(x)
    return keras.Model(pairs, logits, name=name)
