"""CVAE: a VAE conditioned on class labels, written on the VAE's public hooks."""

import keras

from keras_gen import networks, validation
from keras_gen.models import class_labels
from keras_gen.models.vae import VAE


@keras.saving.register_keras_serializable(package="keras_gen")
class CVAE(VAE):
    """A conditional variational autoencoder (Sohn et al., 2015): decode a chosen class.

    It is `VAE` with its conditioning hooks overridden: each batch is
    `(images, integer labels)`; the encoder sees the image with the one-hot
    label tiled as extra channels, and the decoder gets `z` with the one-hot
    label appended. The loss is the VAE's negative ELBO, now of p(x | y).
    Without networks of your own, the VAE's networks are built for
    `image_shape` with those wider inputs.

    Args:
        num_classes: number of classes; labels lie in `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the images. Default
            `(28, 28, 1)`.
        latent_dim: size of the latent vector. Default 16.
        encoder: optional network from images with `channels + num_classes`
            channels to `[z_mean, z_log_var]`.
        decoder: optional network from `latent_dim + num_classes` inputs to
            the likelihood's parameters.
        **kwargs: passed to `VAE` (`likelihood`, `beta`, `seed`, `name`, ...).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    cvae = kg.CVAE(num_classes=3, image_shape=(28, 28, 1), latent_dim=2)
    cvae.compile()
    images = np.random.uniform(0, 1, (32, 28, 28, 1)).astype("float32")
    labels = np.random.randint(0, 3, size=32)
    cvae.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    cvae.generate(labels=[0, 1, 2], seed=0).shape  # (3, 28, 28, 1)
    ```
    """

    def __init__(
        self,
        num_classes,
        image_shape=(28, 28, 1),
        latent_dim=16,
        encoder=None,
        decoder=None,
        **kwargs,
    ):
        self.num_classes = class_labels.check_num_classes(num_classes)
        image_shape = validation.check_shape(image_shape, "image_shape")
        if encoder is None:
            encoder = networks.vae_encoder(
                image_shape,
                latent_dim,
                input_channels=image_shape[-1] + self.num_classes,
            )
        if decoder is None:
            decoder = networks.vae_decoder(
                image_shape, latent_dim, input_dim=latent_dim + self.num_classes
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            encoder=encoder,
            decoder=decoder,
            **kwargs,
        )

    # --- Conditioning hooks -------------------------------------------------

    condition_name = "labels"

    def condition_spec(self):
        return keras.KerasTensor((None,), dtype="int32")

    def condition_range(self):
        return (0, self.num_classes - 1)

    def encoder_inputs(self, images, condition):
        codes = class_labels.one_hot(condition, self.num_classes, self.compute_dtype)
        return class_labels.with_channels(images, codes)

    def decoder_inputs(self, z, condition):
        codes = class_labels.one_hot(condition, self.num_classes, self.compute_dtype)
        return class_labels.with_vector(z, codes)

    # --- Inference ----------------------------------------------------------

    def generate(self, num_images=None, seed=None, *, labels=None, **kwargs):
        """Decodes prior draws for chosen classes, as numpy in the data range.

        Args:
            num_images: with `labels=None`, how many images; every class
                equally often, in order.
            seed: int for reproducible draws of `z`.
            labels: class ids, one per image (the CVAE's `condition`).
            **kwargs: `noise` (the `z` to decode), `batch_size`, as for
                `VAE.generate`.
        """
        if labels is not None:
            kwargs["condition"] = labels
        return super().generate(num_images, seed, **kwargs)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
