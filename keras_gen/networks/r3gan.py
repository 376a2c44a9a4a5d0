"""R3GAN's residual generator and discriminator (Huang et al., 2024).

"The GAN is dead; long live the GAN! A Modern GAN Baseline" trains plain
residual networks with the relativistic pairing loss and R1 and R2 penalties,
and no other trick: no normalization layers, no mapping network, no
progressive growing. Each residual block is an inverted bottleneck: a 1x1
convolution expands the channels `expansion` times, a grouped 3x3 convolution
(groups of `group_size` channels) mixes space, a 1x1 convolution reduces them
again, each of the first two followed by a biased leaky ReLU (slope 0.2).
The fix-up initialisation keeps the untrained network's signal steady at any
depth: weights are N(0, (gain / sqrt(fan_in))^2), the branch's first two
layers with the leaky ReLU's gain scaled by `L ** (-1 / 4)` for `L` blocks in
the network, its last layer zeros, so that every block starts as the
identity.

The generator scales a learned `base x base` grid (4 or 7 per side) channel by
channel with a linear map of the noise, then runs a stage of blocks per
resolution, doubling the grid (bilinear) between stages; a 1x1 convolution
gives the image, with no output activation (as in the paper). The
discriminator mirrors it: a 1x1 convolution from the image, a stage per
resolution halving the grid (average pooling) between stages, and at the base
grid a depthwise convolution over the whole grid and a linear layer to one
logit.

Sizes: the paper's CIFAR-10 networks are 768 channels at each of 3 stages
(8x8 to 32x32), 2 blocks each, groups of 16 (`width=768,
blocks_per_stage=2`), for a GPU. The `GAN.from_preset("r3gan")` networks for a
CPU have 64, 32 and 16 channels at 7x7, 14x14 and 28x28 and one block per
stage (`widths=(64, 32, 16), blocks_per_stage=1`); `docs/benchmarks.md` has
their cost per step.

The grouped convolutions are `GroupedConv2D` layers, one ordinary
convolution per group: on CPUs many times faster than the backends' grouped
convolutions, forward and backward.

Reference: Huang, Gokaslan, Kuleshov and Tompkin, "The GAN is dead; long live
the GAN! A Modern GAN Baseline", NeurIPS 2024.
"""

import math

import keras
from keras import layers, ops

from keras_gen.networks.common import check_sizes, output_dtype, spatial_plan

#: The leaky ReLU's slope for negative inputs.
NEGATIVE_SLOPE = 0.2
#: The gain that keeps a leaky ReLU's second moment: sqrt(2 / (1 + slope^2)).
ACTIVATION_GAIN = math.sqrt(2.0 / (1.0 + NEGATIVE_SLOPE**2))
#: Linear layers in a residual branch.
BRANCH_LAYERS = 3


def _initializer(gain, fan_in):
    """N(0, (gain / sqrt(fan_in))^2); zeros for a gain of 0."""
    if gain == 0:
        return "zeros"
    return keras.initializers.RandomNormal(stddev=gain / math.sqrt(fan_in))


def _conv(x, filters, kernel, gain, groups=1, bias=False):
    fan_in = x.shape[-1] // groups * kernel * kernel
    initializer = _initializer(gain, fan_in)
    if groups > 1:
        return GroupedConv2D(
            filters, kernel, groups, use_bias=bias, kernel_initializer=initializer
        )(x)
    return layers.Conv2D(
        filters,
        kernel,
        padding="same",
        use_bias=bias,
        kernel_initializer=initializer,
    )(x)


def _residual_block(x, group_size, expansion, gain):
    channels = x.shape[-1]
    expanded = channels * expansion
    # The biases of the first two layers are the biased activations'.
    y = _conv(x, expanded, 1, gain, bias=True)
    y = layers.LeakyReLU(negative_slope=NEGATIVE_SLOPE)(y)
    y = _conv(y, expanded, 3, gain, groups=expanded // group_size, bias=True)
    y = layers.LeakyReLU(negative_slope=NEGATIVE_SLOPE)(y)
    y = _conv(y, channels, 1, 0.0)  # zeros: the block starts as the identity
    return layers.Add()([x, y])


def _plan(image_shape, width, widths, blocks_per_stage, group_size, expansion):
    """`(base_h, base_w, widths per stage, branch gain)`, checked."""
    check_sizes(
        image_shape=image_shape,
        width=width,
        blocks_per_stage=blocks_per_stage,
        group_size=group_size,
        expansion=expansion,
    )
    base_h, base_w, doublings = spatial_plan(image_shape)
    stages = doublings + 1
    widths = tuple(widths) if widths is not None else (width,) * stages
    if len(widths) != stages:
        raise ValueError(
            f"{image_shape[:2]} images take {stages} stages ({base_h}x{base_w} "
            f"doubled {doublings} times), so `widths` needs {stages} values; got "
            f"{widths!r}."
        )
    for stage_width in widths:
        check_sizes(widths=stage_width)
        if stage_width * expansion % group_size:
            raise ValueError(
                f"A stage of {stage_width} channels expands to "
                f"{stage_width * expansion}, which groups of {group_size} do not "
                "divide; choose widths that are multiples of group_size / "
                "expansion."
            )
    blocks = stages * blocks_per_stage
    gain = ACTIVATION_GAIN * blocks ** (-1.0 / (2 * BRANCH_LAYERS - 2))
    return base_h, base_w, widths, gain


@keras.saving.register_keras_serializable(package="keras_gen")
class GroupedConv2D(layers.Layer):
    """A grouped 2D convolution ("same" padding, stride 1), one convolution per
    group.

    It computes what `keras.layers.Conv2D(filters, kernel_size,
    padding="same", groups=groups)` computes, with the same kernel layout
    `(kernel, kernel, channels // groups, filters)`, but as `groups` ordinary
    convolutions over slices of the channels, joined: on CPUs this is many
    times faster than the backends' grouped convolutions, forward and
    backward (see docs/benchmarks.md).

    Args:
        filters: output channels, a multiple of `groups`.
        kernel_size: side of the square kernel.
        groups: number of channel groups; the input's channels must be a
            multiple of it.
        use_bias: whether to add a bias per output channel. Default `True`.
        kernel_initializer: the kernel's initializer. Default
            `"glorot_uniform"`.
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    layer = kg.networks.GroupedConv2D(32, 3, groups=4)
    layer(np.zeros((2, 8, 8, 16), "float32")).shape  # (2, 8, 8, 32)
    ```
    """

    def __init__(
        self,
        filters,
        kernel_size,
        groups,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if filters % groups:
            raise ValueError(
                f"GroupedConv2D: filters={filters} is not a multiple of "
                f"groups={groups}; choose filters divisible by groups."
            )
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.groups = int(groups)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels % self.groups:
            raise ValueError(
                f"GroupedConv2D: the input's {channels} channels are not a "
                f"multiple of groups={self.groups}."
            )
        side = self.kernel_size
        self.kernel = self.add_weight(
            shape=(side, side, channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.bias = (
            self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
            if self.use_bias
            else None
        )

    def call(self, inputs):
        slices = ops.split(inputs, self.groups, axis=-1)
        kernels = ops.split(self.kernel, self.groups, axis=-1)
        outputs = ops.concatenate(
            [ops.conv(x, k, padding="same") for x, k in zip(slices, kernels)],
            axis=-1,
        )
        if self.bias is not None:
            outputs = outputs + self.bias
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "groups": self.groups,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package="keras_gen")
class GenerativeBasis(layers.Layer):
    """A learned `(height, width, channels)` grid, each channel scaled by the
    input's matching value: R3GAN's first generator layer.

    Args:
        grid: `(height, width)` of the learned grid.
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    basis = kg.networks.GenerativeBasis((4, 4))
    basis(np.ones((2, 8), "float32")).shape  # (2, 4, 4, 8)
    ```
    """

    def __init__(self, grid, **kwargs):
        super().__init__(**kwargs)
        self.grid = tuple(int(side) for side in grid)

    def build(self, input_shape):
        self.basis = self.add_weight(
            shape=self.grid + (input_shape[-1],),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="basis",
        )

    def call(self, scales):
        return self.basis[None] * ops.expand_dims(ops.expand_dims(scales, 1), 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.grid + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "grid": list(self.grid)}


def r3gan_generator(
    latent_dim=64,
    image_shape=(28, 28, 1),
    width=64,
    blocks_per_stage=1,
    group_size=16,
    expansion=2,
    widths=None,
    input_dim=None,
    name="generator",
):
    """R3GAN's generator for `image_shape`, from noise to an image.

    Args:
        latent_dim: size of the noise vector. Default 64.
        image_shape: `(height, width, channels)` with sides `4*2**k` or
            `7*2**k`. Default `(28, 28, 1)`.
        width: channels of every stage, unless `widths` says. Default 64.
        blocks_per_stage: residual blocks at each resolution. Default 1.
        group_size: channels per group of the grouped convolutions. Default
            16, the paper's.
        expansion: how many times a block's 1x1 convolution widens the
            channels. Default 2, the paper's.
        widths: optional channels per stage, from the base grid up.
        input_dim: size of the input vector when it is more than the noise
            (a conditional generator's noise plus one-hot label); defaults to
            `latent_dim`.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    generator = kg.networks.r3gan_generator(latent_dim=64, image_shape=(32, 32, 3))
    generator.output_shape  # (None, 32, 32, 3)
    ```
    """
    check_sizes(latent_dim=latent_dim, input_dim=input_dim)
    base_h, base_w, widths, gain = _plan(
        image_shape, width, widths, blocks_per_stage, group_size, expansion
    )
    inputs = keras.Input((input_dim or latent_dim,), name="noise")
    scales = layers.Dense(
        widths[0],
        use_bias=False,
        kernel_initializer=_initializer(1.0, inputs.shape[-1]),
    )(inputs)
    x = GenerativeBasis((base_h, base_w))(scales)
    for stage, stage_width in enumerate(widths):
        if stage:
            if stage_width != x.shape[-1]:
                x = _conv(x, stage_width, 1, 1.0)
            x = layers.UpSampling2D(2, interpolation="bilinear")(x)
        for _ in range(blocks_per_stage):
            x = _residual_block(x, group_size, expansion, gain)
    fan_in = x.shape[-1]
    images = layers.Conv2D(
        image_shape[-1],
        1,
        use_bias=False,
        kernel_initializer=_initializer(1.0, fan_in),
        dtype=output_dtype(),
        name="images",
    )(x)
    return keras.Model(inputs, images, name=name)


def r3gan_discriminator(
    image_shape=(28, 28, 1),
    width=64,
    blocks_per_stage=1,
    group_size=16,
    expansion=2,
    widths=None,
    input_channels=None,
    name="discriminator",
):
    """R3GAN's discriminator for `image_shape`, from an image to one logit.

    Args:
        image_shape: `(height, width, channels)` with sides `4*2**k` or
            `7*2**k`. Default `(28, 28, 1)`.
        width: channels of every stage, unless `widths` says. Default 64.
        blocks_per_stage: residual blocks at each resolution. Default 1.
        group_size: channels per group of the grouped convolutions. Default 16.
        expansion: how many times a block's 1x1 convolution widens the
            channels. Default 2.
        widths: optional channels per stage, from the base grid up (the
            generator's order, so one tuple sizes both networks).
        input_channels: channels of the input when it is more than the image
            (a conditional discriminator's label maps); defaults to the
            image's.
        name: the model's name.

    Example:

    ```python
    import keras_gen as kg

    discriminator = kg.networks.r3gan_discriminator(image_shape=(32, 32, 3))
    discriminator.output_shape  # (None, 1)
    ```
    """
    check_sizes(input_channels=input_channels)
    base_h, base_w, widths, gain = _plan(
        image_shape, width, widths, blocks_per_stage, group_size, expansion
    )
    channels = input_channels or image_shape[-1]
    images = keras.Input(tuple(image_shape[:2]) + (channels,), name="images")
    widths = widths[::-1]  # from the full resolution down
    x = _conv(images, widths[0], 1, 1.0)
    for stage, stage_width in enumerate(widths):
        if stage:
            x = layers.AveragePooling2D(2)(x)
            if stage_width != x.shape[-1]:
                x = _conv(x, stage_width, 1, 1.0)
        for _ in range(blocks_per_stage):
            x = _residual_block(x, group_size, expansion, gain)
    # The discriminative basis: a depthwise convolution over the whole grid.
    x = layers.DepthwiseConv2D(
        (base_h, base_w),
        use_bias=False,
        depthwise_initializer=_initializer(1.0, base_h * base_w),
    )(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(
        1,
        use_bias=False,
        kernel_initializer=_initializer(1.0, x.shape[-1]),
        dtype=output_dtype(),
        name="logits",
    )(x)
    return keras.Model(images, logits, name=name)
