"""A custom conditional GAN by subclassing: the auxiliary-classifier GAN (AC-GAN).

`python examples/acgan_mnist.py --epochs 5 --out runs/acgan`

AC-GAN (Odena et al., 2017) differs from `kg.CGAN` only in its discriminator:
it sees the image alone and predicts both real/fake and the class. So `ACGAN`
subclasses `kg.CGAN` and overrides three public hooks and nothing else:

- `discriminator_inputs`: the image only (no label channels);
- `discriminator_loss` / `generator_loss`: the adversarial loss plus the
  cross-entropy of the predicted class (on real and on generated images).

The discriminator returns `[validity_logit, class_logits]`; keras_gen reads
the first output as the real/fake logit for scores and penalties.
"""

import keras
from keras import layers, ops

import keras_gen as kg


def acgan_discriminator(image_shape, num_classes, base_filters=64):
    """DCGAN convolutional trunk with two heads: a validity logit and class logits."""
    trunk = kg.networks.dcgan_discriminator(image_shape, base_filters=base_filters)
    features = trunk.layers[-2].output  # the flattened features before the logit
    validity = trunk.output
    class_logits = layers.Dense(num_classes, dtype="float32", name="class_logits")(
        features
    )
    return keras.Model(trunk.input, [validity, class_logits], name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gen_examples")
class ACGAN(kg.CGAN):
    """A CGAN whose discriminator also classifies (AC-GAN).

    Args:
        class_weight: weight of the classification terms in both losses.
        **kwargs: as for `kg.CGAN`.

    Example:

    ```python
    acgan = ACGAN(num_classes=10, image_shape=(28, 28, 1), latent_dim=100)
    acgan.compile()
    ```
    """

    def __init__(
        self,
        num_classes,
        image_shape=(28, 28, 1),
        class_weight=1.0,
        discriminator=None,
        base_filters=64,
        **kwargs,
    ):
        self.class_weight = class_weight
        if discriminator is None:
            discriminator = acgan_discriminator(image_shape, num_classes, base_filters)
        super().__init__(
            num_classes,
            image_shape=image_shape,
            discriminator=discriminator,
            base_filters=base_filters,
            **kwargs,
        )

    def discriminator_inputs(self, images, condition):
        return images

    def _class_loss(self, output, labels):
        class_logits = output[1]
        return ops.mean(
            keras.losses.sparse_categorical_crossentropy(
                ops.reshape(labels, (-1,)), class_logits, from_logits=True
            )
        )

    def discriminator_loss(self, real_output, fake_output, condition):
        adversarial = super().discriminator_loss(real_output, fake_output, condition)
        classification = self._class_loss(real_output, condition) + self._class_loss(
            fake_output, condition
        )
        return adversarial + self.class_weight * classification

    def generator_loss(self, fake_output, condition):
        adversarial = super().generator_loss(fake_output, condition)
        return adversarial + self.class_weight * self._class_loss(
            fake_output, condition
        )

    def get_config(self):
        return {**super().get_config(), "class_weight": self.class_weight}


def main(argv=None):
    from example_utils import make_parser

    parser = make_parser(__doc__, epochs=5, batch_size=64, out="runs/acgan")
    parser.add_argument("--base-filters", type=int, default=32)
    args = parser.parse_args(argv)

    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, labels=True, data_dir=args.data, seed=0
    )
    acgan = ACGAN(
        num_classes=10, latent_dim=100, base_filters=args.base_filters, seed=0
    )
    acgan.compile()
    acgan.fit(  # one row per class in samples/
        dataset,
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples", num_images=100)],
    )
    acgan.save(args.out / "acgan.keras")


if __name__ == "__main__":
    main()
