"""Trains the MNIST classifier keras_gen ships for its quality metrics.

`python scripts/train_mnist_classifier.py [--data-dir DIR]` trains on the MNIST
training images (kg.datasets.mnist's sources; here the 22,699 images of
../shared/datasets/mnist), prints the test accuracy on the official 10,000 test
images, and writes keras_gen/evaluation/data/mnist_classifier.weights.h5.
"""

import argparse
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gen as kg  # noqa: E402
from keras_gen.evaluation.classifier import WEIGHTS, build_mnist_classifier  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()

    keras.utils.set_random_seed(0)

    def data(split, shuffle):
        return kg.datasets.mnist(
            batch_size=128,
            labels=True,
            value_range=(0, 1),
            split=split,
            data_dir=args.data_dir,
            shuffle=shuffle,
            seed=0,
            drop_remainder=False,
        )

    # Light augmentation: generated digits are less centred than MNIST's.
    augment = keras.Sequential(
        [
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
            keras.layers.RandomRotation(0.04, fill_mode="constant"),
        ]
    )
    train = data("train", True).map(lambda x, y: (augment(x, training=True), y))
    classifier = build_mnist_classifier()
    classifier.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    classifier.fit(train, epochs=args.epochs, verbose=2)
    _, accuracy = classifier.evaluate(data("test", False), verbose=0)
    print(f"Test accuracy on the 10,000 official MNIST test images: {accuracy:.4f}")
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    # A fresh, uncompiled copy: save_weights would also store Adam's moments.
    shipped = build_mnist_classifier()
    shipped.set_weights(classifier.get_weights())
    shipped.save_weights(WEIGHTS)
    print(f"Wrote {WEIGHTS} ({WEIGHTS.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
