"""Pix2Pix: image-to-image translation, written on GAN's public hooks."""

import keras
import numpy as np
from keras import ops

from keras_gen import networks, validation
from keras_gen.conditions import Condition
from keras_gen.datasets.spec import DataSpec
from keras_gen.evaluation import metrics
from keras_gen.models.gan import GAN
from keras_gen.visualization import with_channels

#: Examples per grid row: each column shows one input, its output and its target.
GRID_COLUMNS = 8


@keras.saving.register_keras_serializable(package="keras_gen")
class Pix2Pix(GAN):
    """Image-to-image translation with a conditional GAN (Isola et al., 2017).

    The generator is a U-Net from an input image to an output image
    (`kg.networks.unet_generator`); the discriminator is a PatchGAN that
    sees the input and an output or target image stacked along the channels
    and returns one logit per patch (`kg.networks.patchgan_discriminator`).
    The generator's loss is the adversarial loss plus `l1_weight` times the
    mean absolute difference between its output and the target, which
    keeps the output faithful to the input while the adversarial term keeps
    it sharp. There is no noise vector (`latent_dim` is 0): dropout in the
    generator, active in training only, is its noise, as in the paper; so
    `translate()` and exports are deterministic.

    It is `GAN` with the input image as its condition (named `inputs`),
    `fit()` on batches of `(inputs, targets)` (`unpack_batch`), and the L1
    term as a `generator_terms` hook. Logged metrics are GAN's (`g_loss`
    is the adversarial part) and `l1`, the mean absolute difference between
    outputs and targets in `value_range` units. `compile()` defaults are
    GAN's, the paper's: the non-saturating loss and Adam(2e-4, beta_1=0.5)
    for both networks.

    Args:
        image_shape: `(height, width, channels)` of the input images, sides
            `4*2**k` or `7*2**k` with `k >= 1` (28x28, 32x32, 256x256, ...).
            Outputs have the same height and width. Default `(28, 28, 1)`.
        output_channels: channels of the outputs; default the inputs'.
        base_filters: width of the built networks. Default 64, the paper's.
        l1_weight: weight of the L1 term. Default 100, the paper's.
        dropout: dropout rate in the built U-Net's first three decoder
            layers. Default 0.5, the paper's.
        generator: optional network from input images to output images,
            replacing the U-Net.
        discriminator: optional network from `(H, W, C_in + C_out)` pairs to
            logits (one, or a grid of patch logits), replacing the PatchGAN.
        **kwargs: passed to `GAN` (`ema`, `value_range`, `seed`, `name`).
            Inputs and outputs both lie in `value_range`, `(-1, 1)` by
            default.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(images, "super_resolution")
    pix2pix = kg.Pix2Pix(image_shape=(28, 28, 1), base_filters=8)
    pix2pix.compile()
    pix2pix.fit(inputs, targets, batch_size=16, epochs=1, verbose=0)
    pix2pix.translate(inputs[:4]).shape  # (4, 28, 28, 1)
    ```
    """

    presets = {
        "mnist": {
            "description": "28x28 MNIST pairs (kg.datasets.mnist_pairs: "
            "super-resolution from 7x7, or inpainting half a digit): the "
            "paper's U-Net and PatchGAN at width 64, L1 weight 100.",
            "data": "mnist",
            "config": {"image_shape": (28, 28, 1)},
        },
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        output_channels=None,
        base_filters=64,
        l1_weight=100.0,
        dropout=0.5,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        self.input_image_shape = validation.check_shape(image_shape, "image_shape")
        if output_channels is not None:
            validation.check_count(output_channels, "output_channels")
        if isinstance(l1_weight, bool) or not (
            isinstance(l1_weight, (int, float)) and l1_weight >= 0
        ):
            raise ValueError(
                f"`l1_weight` must be a number >= 0, e.g. 100; got {l1_weight!r}."
            )
        if "latent_dim" in kwargs:
            raise TypeError(
                "Pix2Pix takes no `latent_dim`: its generator takes only the "
                "input image (dropout is its noise)."
            )
        self.output_channels = int(output_channels or image_shape[-1])
        self.base_filters = base_filters
        self.l1_weight = float(l1_weight)
        self.dropout = dropout
        if generator is None:
            generator = networks.unet_generator(
                self.input_image_shape,
                output_channels=self.output_channels,
                base_filters=base_filters,
                dropout=dropout,
                seed=kwargs.get("seed"),
            )
        if discriminator is None:
            pairs = self.input_image_shape[:2] + (
                self.input_image_shape[-1] + self.output_channels,
            )
            discriminator = networks.patchgan_discriminator(
                pairs, base_filters=base_filters
            )
        super().__init__(generator, discriminator, latent_dim=0, **kwargs)
        self.condition = Condition(
            self.input_image_shape, name="inputs", value_range=self.value_range
        )

    # --- Hooks: pairs, the networks' inputs, the L1 term --------------------

    generator_term_names = ("l1",)

    def unpack_batch(self, data):
        """Reads a batch of `(inputs, targets)` as `(targets, inputs)`: the
        real images are the targets, the condition the inputs."""
        inputs, targets, _ = keras.utils.unpack_x_y_sample_weight(data)
        if targets is None:
            raise ValueError(
                "Pix2Pix trains on pairs: batches of (inputs, targets), e.g. "
                "fit(inputs, targets) or a dataset from "
                "kg.datasets.paired_from_numpy; got inputs alone."
            )
        return targets, inputs

    def generator_inputs(self, noise, condition):
        return condition

    def discriminator_inputs(self, images, condition):
        return ops.concatenate([ops.cast(condition, images.dtype), images], axis=-1)

    def generator_terms(self, fake_images, real_images, condition):
        """`l1_weight` times the mean absolute difference to the targets; logs `l1`."""
        l1 = ops.mean(ops.abs(fake_images - real_images))
        return self.l1_weight * l1, {"l1": l1}

    @property
    def training_data(self):
        """Pairs of `(inputs, targets)` in `value_range`."""
        return DataSpec(kind="pairs", value_range=self.value_range)

    # --- Inference ----------------------------------------------------------

    def translate(self, inputs, batch_size=256, use_ema=True):
        """The generator's outputs for input images, as numpy in `value_range`.

        Args:
            inputs: `(N, H, W, C_in)` images in `value_range`.
            batch_size: images per forward pass.
            use_ema: use the moving average of the weights if `ema` is set.
        """
        return self.generate(
            condition=np.asarray(inputs, dtype="float32"),
            batch_size=batch_size,
            use_ema=use_ema,
        )

    def grid_images(self, inputs):
        """Rows of real inputs, their outputs and their targets, 8 examples wide.

        The examples are the grid's (`example_condition`, the inputs, and
        `example_images`, the targets): those of the first batch `fit()`
        trained on, or those given to `ImageGrid(examples=...)`.
        """
        if "example_images" not in inputs:
            raise ValueError(
                "A Pix2Pix grid shows real inputs and targets, and none are "
                "known: fit() keeps those of its first batch, or pass "
                "`examples=(inputs, targets)` to ImageGrid."
            )
        targets, sources = inputs["example_images"], inputs["example_condition"]
        count = (
            len(sources)
            // min(len(sources), GRID_COLUMNS)
            * min(len(sources), GRID_COLUMNS)
        )
        sources, targets = sources[:count], targets[:count]
        outputs = self.translate(sources)
        channels = max(sources.shape[-1], outputs.shape[-1])
        columns = min(len(sources), GRID_COLUMNS)
        rows = []
        for start in range(0, len(sources), columns):
            for images in (sources, outputs, targets):
                rows.append(with_channels(images[start : start + columns], channels))
        return np.concatenate(rows), columns

    # --- Export and evaluation ------------------------------------------------

    def serving_endpoints(self):
        """`serving_default`: `inputs` to `images`, the translated inputs (no
        noise, so exports have no `sample` signature)."""

        def serve(tensors):
            return {"images": self.generate_images(None, tensors["inputs"])}

        return {"serving_default": (serve, {"inputs": self.condition.spec})}

    def heldout_metrics(self, data, seed=0):
        """`l1` and `psnr` of the outputs against the targets of held-out pairs.

        `data` is `(inputs, targets)` in `value_range`. Both figures are on
        images mapped to [0, 1]: `l1` is the mean absolute difference, `psnr`
        the peak signal-to-noise ratio in dB (higher is better). `seed` is
        unused: the outputs are deterministic.
        """
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "Pix2Pix is evaluated on held-out pairs: pass "
                "test_data=(inputs, targets)."
            )
        inputs, targets = (np.asarray(a, dtype="float32") for a in data)
        self._check_condition(inputs, len(inputs))
        self._check_images(targets)
        if len(targets) != len(inputs):
            raise ValueError(
                f"Got {len(inputs)} inputs and {len(targets)} targets; every "
                "input needs its target."
            )
        low, high = self.value_range
        outputs = (self.translate(inputs) - low) / (high - low)
        targets = (targets - low) / (high - low)
        return {
            "l1": metrics.mean_absolute_error(outputs, targets),
            "psnr": metrics.peak_signal_to_noise_ratio(outputs, targets),
        }

    def get_config(self):
        config = super().get_config()
        config.pop("latent_dim")
        config.update(
            {
                "image_shape": list(self.input_image_shape),
                "output_channels": self.output_channels,
                "base_filters": self.base_filters,
                "l1_weight": self.l1_weight,
                "dropout": self.dropout,
            }
        )
        return config
