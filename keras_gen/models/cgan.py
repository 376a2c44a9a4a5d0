"""CGAN: a GAN conditioned on class labels, written on GAN's public hooks."""

import keras

from keras_gen import networks, validation
from keras_gen.models import class_labels
from keras_gen.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gen")
class CGAN(GAN):
    """A conditional GAN (Mirza & Osindero, 2014): generate a chosen class.

    It is `GAN` with its conditioning hooks overridden: each batch is
    `(images, integer labels)`; the generator gets the noise concatenated with
    the one-hot label, and the discriminator gets the image with the one-hot
    label broadcast as extra channels. Generated images in the train step use
    the batch's labels. Without networks of your own, DCGAN networks are
    built for `image_shape`.

    Args:
        num_classes: number of classes; labels lie in `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the images.
        latent_dim: size of the noise vector.
        base_filters: width of the built DCGAN networks.
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
    cgan.generate(labels=[0, 1, 2], seed=0).shape  # (3, 28, 28, 1)
    ```
    """

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
        self.num_classes = class_labels.check_num_classes(num_classes)
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

    def default_regularization(self, loss):
        """One-sided label smoothing 0.1 for the cross-entropy losses.

        The classic DCGAN recipe's (a real label of 0.9); R1 did no better for
        the CGAN on MNIST (`docs/benchmarks.md`), so it stays off. Other
        losses get no label smoothing.
        """
        if not loss.probabilistic:
            return {}
        return {"label_smoothing": 0.1}

    # --- Conditioning hooks -------------------------------------------------

    condition_name = "labels"

    def condition_spec(self):
        return keras.KerasTensor((None,), dtype="int32")

    def condition_range(self):
        return (0, self.num_classes - 1)

    def one_hot(self, labels):
        """One-hot encodes integer labels of shape `(batch,)` or `(batch, 1)`."""
        return class_labels.one_hot(labels, self.num_classes, self.compute_dtype)

    def generator_inputs(self, noise, condition):
        return class_labels.with_vector(noise, self.one_hot(condition))

    def discriminator_inputs(self, images, condition):
        return class_labels.with_channels(images, self.one_hot(condition))

    # --- Inference ----------------------------------------------------------

    def generate(self, num_images=None, seed=None, *, labels=None, **kwargs):
        """Generates one image per label, as numpy in `value_range`.

        Args:
            num_images: with `labels=None`, how many images; every class
                equally often, in order.
            seed: int for reproducible noise.
            labels: class ids, one per image (the CGAN's `condition`).
            **kwargs: `noise`, `batch_size`, `use_ema`, as for
                `GAN.generate`.
        """
        if labels is not None:
            kwargs["condition"] = labels
        return super().generate(num_images, seed, **kwargs)

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
