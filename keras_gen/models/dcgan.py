"""DCGAN: a GAN whose convolutional networks are built for an image shape."""

import keras

from keras_gen import networks, validation
from keras_gen.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gen")
class DCGAN(GAN):
    """A deep convolutional GAN (Radford et al., 2016) built for `image_shape`.

    The generator and discriminator come from
    `kg.networks.dcgan_generator` / `dcgan_discriminator` (BatchNorm,
    LeakyReLU(0.2), N(0, 0.02) init). Its defaults are the paper's recipe:
    100 noise dimensions, `compile()` with the non-saturating loss, Adam(2e-4,
    beta_1=0.5) for both networks and one-sided label smoothing 0.1. Images
    must be in [-1, 1].

    A preset replaces the recipe with settings tuned for one data set:
    `DCGAN.from_preset("mnist")` is the configuration that scored best on
    28x28 MNIST (`presets`; `docs/benchmarks.md` has its figures).

    Args:
        image_shape: `(height, width, channels)`, sides `4*2**k` or `7*2**k`
            (28x28, 32x32, 64x64, ...). Default `(28, 28, 1)`.
        latent_dim: size of the noise vector. Default 100, the paper's.
        base_filters: width of the networks: the discriminator's first and
            the generator's last hidden layer have this many channels.
            Default 64.
        generator: optional network replacing the built generator.
        discriminator: optional network replacing the built discriminator.
        ema: decay of a moving average of the generator's weights that
            `generate()` and exports use, e.g. 0.999; `None` (default)
            disables it.
        **kwargs: passed to `GAN` (`seed`, `value_range`, `name`, ...).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=16, base_filters=8)
    dcgan.compile()
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    dcgan.fit(images, batch_size=16, epochs=1, verbose=0)
    dcgan.generate(4, seed=0).shape  # (4, 28, 28, 1)

    tuned = kg.DCGAN.from_preset("mnist", base_filters=8)
    tuned.latent_dim, tuned.ema  # (16, 0.999)
    ```
    """

    presets = {
        "mnist": {
            "description": "Tuned on 28x28 MNIST with benchmarks/quality.py "
            "(docs/benchmarks.md): 16 noise dimensions, a moving average of "
            "the generator's weights, the discriminator at 4e-4 and the "
            "generator at 1e-3, label smoothing 0.1 and an R1 penalty of 0.3 "
            "on 16 images.",
            "data": "mnist",
            "config": {"image_shape": (28, 28, 1), "latent_dim": 16, "ema": 0.999},
            "compile": {
                "d_learning_rate": 4e-4,
                "g_learning_rate": 1e-3,
                "label_smoothing": 0.1,
                "r1_penalty": 0.3,
                "r1_batch_size": 16,
            },
        },
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        base_filters=64,
        generator=None,
        discriminator=None,
        ema=None,
        **kwargs,
    ):
        self.base_filters = base_filters
        image_shape = validation.check_shape(image_shape, "image_shape")
        if generator is None:
            generator = networks.dcgan_generator(
                latent_dim=latent_dim,
                image_shape=image_shape,
                base_filters=base_filters,
            )
        if discriminator is None:
            discriminator = networks.dcgan_discriminator(
                image_shape=image_shape, base_filters=base_filters
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            ema=ema,
            **kwargs,
        )

    def compile_defaults(self, loss):
        """The paper's recipe, or the preset's settings.

        Adam(beta_1=0.5) at 2e-4 for both networks, or at the preset's rates
        (the `"mnist"` preset: 4e-4 for the discriminator, 1e-3 for the
        generator). With `"non_saturating"` or `"minimax"`, `compile()`'s
        `"auto"` arguments become `label_smoothing=0.1`, plus the preset's
        regularization (the `"mnist"` preset: `r1_penalty=0.3,
        r1_batch_size=16`); other losses get none. Pass the arguments to
        `compile()` to override.
        """
        defaults = super().compile_defaults(loss)
        optimizers = {
            name: defaults.pop(name) for name in ("d_optimizer", "g_optimizer")
        }
        if not loss.probabilistic:
            return optimizers
        return {"label_smoothing": 0.1, **defaults, **optimizers}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "base_filters": self.base_filters,
            }
        )
        return config
