"""CVAE: a VAE conditioned on class labels, written on the VAE's public hooks."""

import keras

from keras_gen import networks, validation
from keras_gen.conditions import ClassLabel
from keras_gen.models.vae import VAE


@keras.saving.register_keras_serializable(package="keras_gen")
class CVAE(VAE):
    """A conditional variational autoencoder (Sohn et al., 2015): decode a chosen class.

    It is `VAE` with a class-label condition (`kg.conditions.ClassLabel`) and
    two hooks: each batch is `(images, integer labels)`; the encoder sees the
    image with the one-hot label tiled as extra channels, and the decoder
    gets `z` with the one-hot label appended. The loss is the VAE's negative
    ELBO, now of p(x | y). Without networks of your own, the VAE's networks
    are built for `image_shape` with those wider inputs.

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

    presets = {
        "mnist": {
            "description": "The ten binarised MNIST digits at 28x28: the VAE's "
            "networks with the label's one-hot code, 16 latent dimensions.",
            "data": "mnist",
            "config": {"num_classes": 10, "image_shape": (28, 28, 1)},
        },
    }

    def __init__(
        self,
        num_classes,
        image_shape=(28, 28, 1),
        latent_dim=16,
        encoder=None,
        decoder=None,
        **kwargs,
    ):
        self.condition = ClassLabel(num_classes)
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

    @property
    def num_classes(self):
        return self.condition.num_classes

    # --- Hooks: the labels as the networks take them ------------------------

    def encoder_inputs(self, images, condition):
        return self.condition.attach(images, condition)

    def decoder_inputs(self, z, condition):
        return self.condition.attach(z, condition)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
