"""DCGAN: a GAN whose convolutional networks are built for an image shape."""

import keras

from keras_gen import networks
from keras_gen.models.gan import GAN, default_optimizer


@keras.saving.register_keras_serializable(package="keras_gen")
class DCGAN(GAN):
    """A deep convolutional GAN (Radford et al., 2016) built for `image_shape`.

    The generator and discriminator come from
    `kg.networks.dcgan_generator` / `dcgan_discriminator` (BatchNorm,
    LeakyReLU(0.2), N(0, 0.02) init). Its defaults are the settings that
    scored best on 28x28 MNIST (`benchmarks/quality.py`; `docs/benchmarks.md`
    has the figures): `compile()` with no arguments uses the
    non-saturating loss, Adam(beta_1=0.5) at 4e-4 for the discriminator and
    1e-3 for the generator (`default_optimizers`; the paper has 2e-4 for
    both), label smoothing 0.1 and an R1 penalty of 0.3 on 16 real images
    per batch (`default_regularization`); the generator's weights are averaged
    (`ema=0.999`), and the noise has 16 dimensions (the paper has 100, which
    more varied data may need: pass `latent_dim=100`). Images must be in
    [-1, 1].

    Args:
        image_shape: `(height, width, channels)`, sides `4*2**k` or `7*2**k`
            (28x28, 32x32, 64x64, ...).
        latent_dim: size of the noise vector. 16, tuned on MNIST; the paper
            has 100.
        base_filters: width of the networks: the discriminator's first and the
            generator's last hidden layer have this many channels.
        generator: optional network replacing the built generator.
        discriminator: optional network replacing the built discriminator.
        ema: decay of the moving average of the generator's weights that
            `generate()` and exports use; `None` disables it.
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
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=16,
        base_filters=64,
        generator=None,
        discriminator=None,
        ema=0.999,
        **kwargs,
    ):
        self.base_filters = base_filters
        image_shape = tuple(image_shape)
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

    def default_optimizers(self):
        """Adam(beta_1=0.5): 4e-4 for the discriminator, 1e-3 for the generator.

        The paper has 2e-4 for both. On 28x28 MNIST (`benchmarks/quality.py`)
        a faster generator lowered the Fréchet distance in every paired run,
        and with R1 and 16 noise dimensions a faster discriminator lowered it
        further; `docs/benchmarks.md` has the figures. The 64x64
        example passes the paper's settings explicitly.
        """
        return default_optimizer(4e-4), default_optimizer(1e-3)

    def default_regularization(self, loss):
        """Label smoothing 0.1 and R1 (0.3, on 16 images) for the cross-entropy losses.

        With `"non_saturating"` or `"minimax"`, `compile()`'s `"auto"`
        arguments become `label_smoothing=0.1, r1_penalty=0.3,
        r1_batch_size=16`: on 28x28 MNIST they took the Fréchet distance
        from about 16 to about 11.5 at the same number of steps, for 4% more
        time per step. Other losses get none of them. Pass the arguments to
        `compile()` to override (`r1_penalty=0` turns R1 off).
        """
        if not loss.probabilistic:
            return {}
        return {"label_smoothing": 0.1, "r1_penalty": 0.3, "r1_batch_size": 16}

    def get_config(self):
        config = super().get_config()
        config.update(
            {"image_shape": list(self.image_shape), "base_filters": self.base_filters}
        )
        return config
