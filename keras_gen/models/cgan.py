"""CGAN: a GAN conditioned on class labels, written on GAN's public hooks."""

import keras
import numpy as np
from keras import ops

from keras_gen import networks, validation
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
        if int(num_classes) != num_classes or num_classes < 2:
            raise ValueError(
                f"`num_classes` must be an integer >= 2; got {num_classes!r}."
            )
        self.num_classes = int(num_classes)
        self.base_filters = base_filters
        image_shape = tuple(image_shape)
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
        """Label smoothing 0.1 for the cross-entropy losses.

        The setting of the quality benchmark's CGAN (label accuracy 0.974 on
        MNIST, README). The R1 penalty, with or without the DCGAN's other
        settings, did no better on MNIST at the same number of steps
        (`docs/benchmarks.md`), so it stays off. Other losses get no label smoothing.
        """
        if not loss.probabilistic:
            return {}
        return {"label_smoothing": 0.1}

    # --- Conditioning hooks -------------------------------------------------

    def unpack_batch(self, data):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError(
                f"{type(self).__name__} is conditioned on class labels, but the "
                "batches hold images only: pass a dataset yielding "
                "`(images, labels)` (e.g. kg.datasets.mnist(labels=True)) or "
                "call `fit(images, labels)`."
            )
        return images, labels

    def condition_spec(self):
        return keras.KerasTensor((None,), dtype="int32")

    def one_hot(self, labels):
        """One-hot encodes integer labels of shape `(batch,)` or `(batch, 1)`."""
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        return ops.one_hot(labels, self.num_classes, dtype=self.compute_dtype)

    def generator_inputs(self, noise, condition):
        one_hot = ops.cast(self.one_hot(condition), noise.dtype)
        return ops.concatenate([noise, one_hot], axis=-1)

    def discriminator_inputs(self, images, condition):
        one_hot = ops.cast(self.one_hot(condition), images.dtype)
        height, width = images.shape[1], images.shape[2]
        maps = ops.tile(one_hot[:, None, None, :], (1, height, width, 1))
        return ops.concatenate([images, maps], axis=-1)

    def check_batch(self, images, condition):
        super().check_batch(images, condition)
        validation.check_labels(
            condition, self.num_classes, len(images), type(self).__name__
        )

    # --- Inference ----------------------------------------------------------

    def generate(
        self, num_images=None, seed=None, *, labels=None, noise=None, batch_size=256
    ):
        """Generates one image per label, as numpy in `value_range`.

        Args:
            num_images: with `labels=None`, how many images of random classes.
            seed: int for reproducible noise (and random labels).
            labels: class ids, one per image.
            noise: optional `(len(labels), latent_dim)` noise.
            batch_size: images per forward pass.
        """
        if labels is None:
            if num_images is None:
                raise ValueError("Pass `labels` (one per image) or `num_images`.")
            labels = np.random.default_rng(seed).integers(
                0, self.num_classes, num_images
            )
        labels = np.asarray(labels)
        validation.check_labels(
            labels, self.num_classes, len(labels), type(self).__name__
        )
        labels = labels.reshape(-1).astype("int32")
        return super().generate(
            num_images, seed, noise=noise, condition=labels, batch_size=batch_size
        )

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
