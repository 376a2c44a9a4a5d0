"""Builders for the networks of the classic generative models.

Every builder returns a functional `keras.Model`. Every keras_gen model also
accepts networks of your own.

- `mlp_generator` / `mlp_discriminator`: the fully connected GAN of the
  classic MNIST scripts (two hidden layers of 256).
- `dcgan_generator` / `dcgan_discriminator`: the DCGAN architecture
  (Radford et al., 2016) for any square or rectangular image whose sides are
  `4 * 2**k` or `7 * 2**k` (28x28, 32x32, 64x64, ...): strided (transposed)
  convolutions with kernel 4, BatchNorm, ReLU in the generator and
  LeakyReLU(0.2) in the discriminator, no biases before BatchNorm, weights
  drawn from N(0, 0.02) and BatchNorm scales from N(1, 0.02).
- `vae_encoder` / `vae_decoder`: convolutional encoder to a Gaussian's mean
  and log-variance, and the mirrored decoder.
- `unet_generator` / `patchgan_discriminator`: pix2pix's image-to-image
  U-Net and its patch discriminator (Isola et al., 2017).
"""

import math

import keras
from keras import layers

from keras_gen import validation


def _conv_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def _output_dtype():
    """Outputs use the dtype policy's variable dtype: float32 under mixed precision,
    float64 under the `"float64"` policy."""
    return keras.config.dtype_policy().variable_dtype


def _gamma_init():
    return keras.initializers.RandomNormal(mean=1.0, stddev=0.02)


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


# --- MLP GAN ----------------------------------------------------------------


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
    _check_sizes(
        latent_dim=latent_dim, image_shape=image_shape, hidden_units=hidden_units
    )
    noise = keras.Input((latent_dim,), name="noise")
    x = noise
    for units in hidden_units:
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(math.prod(image_shape), activation="tanh", dtype=_output_dtype())(
        x
    )
    images = layers.Reshape(tuple(image_shape), dtype=_output_dtype(), name="images")(x)
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
    _check_sizes(image_shape=image_shape, hidden_units=hidden_units)
    images = keras.Input(tuple(image_shape), name="images")
    x = layers.Flatten()(images)
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    logits = layers.Dense(1, dtype=_output_dtype(), name="logits")(x)
    return keras.Model(images, logits, name=name)


# --- DCGAN ------------------------------------------------------------------


def _check_sizes(image_shape=None, hidden_units=(), **sizes):
    """Raises `ValueError` naming the first size that is not a whole number >= 1
    (`None` sizes are left out), or a bad `image_shape`."""
    for name, value in sizes.items():
        if value is not None:
            validation.check_count(value, name)
    for width in hidden_units:
        validation.check_count(width, "hidden_units' widths")
    if image_shape is not None:
        validation.check_shape(image_shape, "image_shape")


def _filters(base_filters, level):
    return base_filters * 2**level


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
    _check_sizes(latent_dim=latent_dim, base_filters=base_filters, input_dim=input_dim)
    base_h, base_w, doublings = spatial_plan(image_shape)
    if doublings < 1:
        raise ValueError(
            f"The DCGAN generator needs images of at least 8x8 or 14x14; got "
            f"{image_shape[:2]}."
        )
    inputs = keras.Input((input_dim or latent_dim,), name="noise")
    top = _filters(base_filters, doublings - 1)
    x = layers.Dense(
        base_h * base_w * top, use_bias=False, kernel_initializer=_conv_init()
    )(inputs)
    x = layers.Reshape((base_h, base_w, top))(x)
    x = layers.BatchNormalization(gamma_initializer=_gamma_init())(x)
    x = layers.ReLU()(x)
    for level in reversed(range(doublings - 1)):
        x = layers.Conv2DTranspose(
            _filters(base_filters, level),
            4,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=_conv_init(),
        )(x)
        x = layers.BatchNormalization(gamma_initializer=_gamma_init())(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(
        image_shape[-1],
        4,
        strides=2,
        padding="same",
        use_bias=False,
        kernel_initializer=_conv_init(),
    )(x)
    images = layers.Activation("tanh", dtype=_output_dtype(), name="images")(x)
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
    _check_sizes(base_filters=base_filters, input_channels=input_channels)
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
            _filters(base_filters, level),
            4,
            strides=2,
            padding="same",
            use_bias=level == 0,
            kernel_initializer=_conv_init(),
        )(x)
        if level > 0:
            x = layers.BatchNormalization(gamma_initializer=_gamma_init())(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(
        1, kernel_initializer=_conv_init(), dtype=_output_dtype(), name="logits"
    )(x)
    return keras.Model(images, logits, name=name)


# --- VAE --------------------------------------------------------------------


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
    _check_sizes(
        latent_dim=latent_dim, base_filters=base_filters, input_channels=input_channels
    )
    _, _, doublings = spatial_plan(image_shape)
    channels = input_channels or image_shape[-1]
    images = keras.Input(tuple(image_shape[:2]) + (channels,), name="images")
    x = images
    for level in range(min(doublings, 2)):
        x = layers.Conv2D(
            _filters(base_filters, level),
            3,
            strides=2,
            padding="same",
            activation="relu",
        )(x)
    x = layers.Flatten()(x)
    x = layers.Dense(256, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, dtype=_output_dtype(), name="z_mean")(x)
    z_log_var = layers.Dense(
        latent_dim, kernel_initializer="zeros", dtype=_output_dtype(), name="z_log_var"
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
    _check_sizes(latent_dim=latent_dim, base_filters=base_filters, input_dim=input_dim)
    _, _, doublings = spatial_plan(image_shape)
    ups = min(doublings, 2)
    grid_h, grid_w = image_shape[0] // 2**ups, image_shape[1] // 2**ups
    top = _filters(base_filters, ups - 1) if ups else base_filters
    z = keras.Input((input_dim or latent_dim,), name="z")
    x = layers.Dense(256, activation="relu")(z)
    x = layers.Dense(grid_h * grid_w * top, activation="relu")(x)
    x = layers.Reshape((grid_h, grid_w, top))(x)
    for level in reversed(range(ups)):
        x = layers.Conv2DTranspose(
            _filters(base_filters, level),
            3,
            strides=2,
            padding="same",
            activation="relu",
        )(x)
    outputs = layers.Conv2D(
        image_shape[-1], 3, padding="same", dtype=_output_dtype(), name="decoder_output"
    )(x)
    return keras.Model(z, outputs, name=name)


# --- Pix2Pix ----------------------------------------------------------------

#: Filters stop doubling at `base_filters * 2**MAX_LEVEL` (512 for 64), as in
#: the pix2pix paper's encoder.
MAX_LEVEL = 3


def _unet_filters(base_filters, level):
    return base_filters * 2 ** min(level, MAX_LEVEL)


def _down(x, filters, strides, first):
    """A kernel-4 convolution, BatchNorm unless `first`, LeakyReLU(0.2)."""
    x = layers.Conv2D(
        filters,
        4,
        strides=strides,
        padding="same",
        use_bias=first,
        kernel_initializer=_conv_init(),
    )(x)
    if not first:
        x = layers.BatchNormalization(gamma_initializer=_gamma_init())(x)
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
    _check_sizes(
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
        kernel_initializer=_conv_init(),
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
            kernel_initializer=_conv_init(),
        )(x)
        x = layers.BatchNormalization(gamma_initializer=_gamma_init())(x)
        if dropout and index < 3:
            x = layers.Dropout(dropout, seed=None if seed is None else seed + index)(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate()([x, skip])
    x = layers.Conv2DTranspose(
        output_channels,
        4,
        strides=2,
        padding="same",
        kernel_initializer=_conv_init(),
    )(x)
    images = layers.Activation("tanh", dtype=_output_dtype(), name="images")(x)
    return keras.Model(inputs, images, name=name)


def patchgan_discriminator(
    image_shape=(28, 28, 2),
    base_filters=64,
    num_downsamplings=None,
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
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    patchgan = kg.networks.patchgan_discriminator(image_shape=(28, 28, 2), base_filters=8)
    patchgan.output_shape  # (None, 7, 7, 1)
    ```
    """
    _check_sizes(
        base_filters=base_filters,
        num_downsamplings=num_downsamplings,
        image_shape=image_shape,
    )
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
        x = _down(x, _unet_filters(base_filters, level), strides, first=level == 0)
    logits = layers.Conv2D(
        1,
        4,
        padding="same",
        kernel_initializer=_conv_init(),
        dtype=_output_dtype(),
        name="logits",
    )(x)
    return keras.Model(pairs, logits, name=name)
