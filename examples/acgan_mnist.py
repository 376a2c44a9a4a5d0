"""A custom conditional GAN by subclassing: the auxiliary-classifier GAN (AC-GAN).

`python examples/acgan_mnist.py --epochs 5 --out runs/acgan`

AC-GAN (Odena et al., 2017) is a conditional GAN whose discriminator sees the
image alone and predicts both real/fake and the class. `ACGAN` below subclasses
`kg.GAN` and overrides documented hooks only:

- `self.condition = kg.conditions.ClassLabel(num_classes)`: the condition is
  an integer class label in `[0, num_classes)`, served as `labels`. From it
  alone the tools know what to do: grids show one class per row, exports
  take `labels`, evaluation scores label accuracy.
- `generator_inputs`: the noise with the one-hot label appended;
  `discriminator_inputs`: the image alone;
- `discriminator_loss` / `generator_loss`: the adversarial loss plus the
  cross-entropy of the predicted class (on real and on generated images).

The discriminator returns `[validity_logit, class_logits]`; keras_gen reads
the first output as the real/fake logit for scores and penalties. The run
writes sample grids and checkpoints, exports the generator and prints its
sample-quality scores.
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
class ACGAN(kg.GAN):
    """A conditional GAN whose discriminator also classifies (AC-GAN).

    Args:
        num_classes: number of classes; labels lie in `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the images.
        latent_dim: size of the noise vector.
        base_filters: width of the DCGAN networks built.
        class_weight: weight of the classification terms in both losses.
        generator: optional network from `latent_dim + num_classes` inputs
            to images.
        discriminator: optional network from images to
            `[validity_logit, class_logits]`.
        **kwargs: passed to `kg.GAN` (`ema`, `seed`, `name`, ...).

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
        latent_dim=100,
        base_filters=64,
        class_weight=1.0,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        self.condition = kg.conditions.ClassLabel(num_classes)
        self.num_classes = self.condition.num_classes
        self.base_filters = base_filters
        self.class_weight = class_weight
        image_shape = tuple(image_shape)
        if generator is None:
            generator = kg.networks.dcgan_generator(
                latent_dim,
                image_shape,
                base_filters,
                input_dim=latent_dim + self.num_classes,
            )
        if discriminator is None:
            discriminator = acgan_discriminator(
                image_shape, self.num_classes, base_filters
            )
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)

    def generator_inputs(self, noise, condition):
        return self.condition.attach(noise, condition)

    def discriminator_inputs(self, images, condition):
        return images  # the discriminator predicts the class itself

    def compile_defaults(self, loss):
        """Label smoothing 0.1 for the cross-entropy losses, as for `kg.CGAN`."""
        defaults = super().compile_defaults(loss)
        if loss.probabilistic:
            defaults["label_smoothing"] = 0.1
        return defaults

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
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "image_shape": list(self.image_shape),
            "base_filters": self.base_filters,
            "class_weight": self.class_weight,
        }


def main(argv=None):
    from example_utils import make_parser

    parser = make_parser(__doc__, epochs=5, batch_size=64, out="runs/acgan")
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument(
        "--eval-samples", type=int, default=10_000, help="samples to score"
    )
    args = parser.parse_args(argv)

    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, labels=True, data_dir=args.data_dir, seed=0
    )
    acgan = ACGAN(
        num_classes=10, latent_dim=100, base_filters=args.base_filters, seed=0
    )
    acgan.compile()
    acgan.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[
            # One row per class: the model says its condition is a class label.
            kg.callbacks.ImageGrid(args.out / "samples", num_images=100),
            kg.callbacks.Checkpoint(args.out / "checkpoints"),
        ],
    )
    acgan.save(args.out / "acgan.keras")
    acgan.export_generator(args.out / "export" / "1")  # takes noise and labels
    scores = kg.evaluation.evaluate(acgan, num_samples=args.eval_samples)
    for name, value in scores.items():
        print(f"{name:<18} {value:.4f}")


if __name__ == "__main__":
    main()
