"""Shared by the examples: their common arguments, and sample grids.

`--data` is handed to `kg.datasets.mnist(data_dir=...)`: a folder or an
`mnist.npz`. By default the examples use the copy in `../shared/datasets/mnist/`
beside the repository when there is one, and otherwise `kg.datasets.mnist`'s own
sources (tensorflow-datasets, or the sample shipped with keras_gen when offline).
"""

import argparse
import pathlib

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SHARED_COPY = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"


def make_parser(description, epochs, batch_size, out):
    """The arguments every example takes: --data, --epochs, --batch-size, --out."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        type=pathlib.Path,
        default=SHARED_COPY if SHARED_COPY.is_dir() else None,
        help="folder or mnist.npz with MNIST (default: %(default)s, else "
        "kg.datasets.mnist's own sources)",
    )
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(out))
    return parser


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
