"""CGAN: a GAN conditioned on class labels, written on GAN's public hooks."""

import keras

from keras_gen import networks, validation
from keras_gen.conditions import ClassLabel
from keras_gen.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gen")
class CGAN(GAN):
    """A conditional GAN (Mirza & Osindero, 2014): generate a chosen class.

    It is `GAN` with a class-label condition (`kg.conditions.ClassLabel`)
    and two hooks: each batch is `(images, integer labels)`; the generator
    gets the noise with the one-hot label appended, and the discriminator
    gets the image with the one-hot label tiled as extra channels. Generated
    images in the train step use the batch's labels. Without networks of
    your own, DCGAN networks are built for `image_shape`.

    Args:
        num_classes: number of classes; labels lie in `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the images. Default
            `(28, 28, 1)`.
        latent_dim: size of the noise vector. Default 100.
        base_filters: width of the built DCGAN networks. Default 64.
        generator: optional network from `latent_dim + num_classes` inputs
            to images.
        discriminator: optional network from images with
            `channels + num_classes` channels to a logit.
        **kwargs: passed to `GAN` (`ema`, `seed`, `name`, ...).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    cgan = kg.CGAN(num_classes=3, image_shape=(28, 28, 1), latent_dim=16, base_filters=8)
    cgan.compile()
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    labels = np.random.randint(0, 3, size=32)
    cgan.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    cgan.generate(labels=[0, 1, 2], seed=0).shape  # (3, 28, 28, 1): `labels` is the condition's name
    ```
    """

    presets = {
        "mnist": {
            "description": "The ten MNIST digits at 28x28: DCGAN networks of "
            "width 64, 100 noise dimensions, label smoothing 0.1.",
            "data": "mnist",
            "config": {"num_classes": 10, "image_shape": (28, 28, 1)},
        },
    }

    def __init__(
        self,
        num_classes,
        image_shape=(28, 28, 1),
        latent_dim=100,
        base_filters=64,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        self.condition = ClassLabel(num_classes)
        self.base_filters = base_filters
        image_shape = validation.check_shape(image_shape, "image_shape")
        if generator is None:
            generator = networks.dcgan_generator(
                latent_dim=latent_dim,
                image_shape=image_shape,
                base_filters=base_filters,
                input_dim=latent_dim + self.num_classes,
            )
        if discriminator is None:
            discriminator = networks.dcgan_discriminator(
                image_shape=image_shape,
                base_filters=base_filters,
                input_channels=image_shape[-1] + self.num_classes,
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            **kwargs,
        )

    @property
    def num_classes(self):
        return self.condition.num_classes

    def compile_defaults(self, loss):
        """GAN's optimizers, and one-sided label smoothing 0.1 for the
        cross-entropy losses.

        The classic DCGAN recipe's (a real label of 0.9); R1 did no better for
        the CGAN on MNIST (`docs/benchmarks.md`), so it stays off. Other
        losses get no label smoothing.
        """
        defaults = super().compile_defaults(loss)
        if loss.probabilistic:
            defaults["label_smoothing"] = 0.1
        return defaults

    # --- Hooks: the labels as the networks take them ------------------------

    def generator_inputs(self, noise, condition):
        return self.condition.attach(noise, condition)

    def discriminator_inputs(self, images, condition):
        return self.condition.attach(images, condition)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "image_shape": list(self.image_shape),
                "base_filters": self.base_filters,
            }
        )
        return config
