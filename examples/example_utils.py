"""Shared by the examples: MNIST from a Keras-layout `mnist.npz`, and sample grids.

The examples read `--data PATH` (a `mnist.npz` with `x_train`, `y_train`); by
default the copy at `../shared/datasets/mnist/mnist.npz` beside the repository,
or else Keras' own MNIST (downloaded once to `~/.keras/datasets/`).
"""

import argparse
import pathlib

import matplotlib
import numpy as np
import tensorflow as tf

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SHARED_COPY = (
    pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist/mnist.npz"
)


def make_parser(description, epochs, batch_size, out):
    """The arguments every example takes: --data, --epochs, --batch-size, --limit, --out."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        type=pathlib.Path,
        default=None,
        help="path to a Keras-layout mnist.npz (default: ../shared/datasets/mnist/"
        "mnist.npz if present, else keras.datasets.mnist)",
    )
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument(
        "--limit", type=int, default=None, help="use the first N images"
    )
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(out))
    return parser


def load_mnist(path, value_range=(-1.0, 1.0), size=None, limit=None):
    """Returns MNIST training images `(N, H, W, 1)` float32 in `value_range`, and labels."""
    if path is None:
        if SHARED_COPY.is_file():
            path = SHARED_COPY
        else:
            import keras

            path = keras.utils.get_file(
                "mnist.npz",
                "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
            )
    path = pathlib.Path(path)
    if not path.is_file():
        raise SystemExit(
            f"No MNIST file at {path}: pass --data PATH to a Keras-layout mnist.npz."
        )
    with np.load(path) as data:
        images, labels = data["x_train"][:limit], data["y_train"][:limit]
    low, high = value_range
    images = images[..., None].astype("float32") / 255.0 * (high - low) + low
    if size is not None and size != images.shape[1]:
        images = tf.image.resize(images, (size, size)).numpy().clip(low, high)
    return images, labels.astype("int32")


def make_dataset(images, labels=None, batch_size=128, seed=0):
    """A shuffled, batched tf.data pipeline that drops the last partial batch."""
    data = images if labels is None else (images, labels)
    return (
        tf.data.Dataset.from_tensor_slices(data)
        .shuffle(len(images), seed=seed)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def save_grid(images, path, value_range=(-1.0, 1.0), columns=None):
    """Writes images `(N, H, W, C)` as a grid PNG (square unless `columns` is given)."""
    low, high = value_range
    columns = columns or int(np.ceil(len(images) ** 0.5))
    rows = int(np.ceil(len(images) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns, rows), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for image, axis in zip(images, axes.flat):
        image = image[..., 0] if image.shape[-1] == 1 else (image - low) / (high - low)
        axis.imshow(image, cmap="gray", vmin=low, vmax=high)
    figure.subplots_adjust(wspace=0.05, hspace=0.05, left=0, right=1, top=1, bottom=0)
    figure.savefig(path, dpi=60)
    plt.close(figure)
    print(f"Wrote {path}")


class GridEachEpoch:
    """A callback body: writes a grid of `sample()` after every epoch (see keras_gen issue 4)."""

    def __init__(self, sample, directory, value_range=(-1.0, 1.0), columns=None):
        self.sample = sample
        self.directory = pathlib.Path(directory)
        self.value_range = value_range
        self.columns = columns
        self.directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, epoch, logs=None):
        path = self.directory / f"epoch_{epoch + 1:03d}.png"
        save_grid(self.sample(), path, self.value_range, self.columns)
