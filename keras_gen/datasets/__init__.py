"""Datasets: MNIST and any image set, from files, tensorflow-datasets, arrays or folders.

Paired datasets for image-to-image models (`Pix2Pix`) yield `(inputs, targets)`
batches: from two arrays, two folders, side-by-side `A|B` files, or MNIST pairs
for super-resolution, inpainting, outpainting and denoising
(`kg.datasets.paired`). Unpaired datasets for translation between two domains
(`CycleGAN`) yield `(images_a, images_b)` batches, each domain shuffled on its
own (`kg.datasets.unpaired`).

Every function returns a batched `tf.data.Dataset` of float32 images scaled to
`value_range` (`(-1, 1)` by default), optionally with integer labels, cached,
shuffled with a seed, and prefetched.
"""

from keras_gen.datasets.arrays import from_numpy
from keras_gen.datasets.catalog import load
from keras_gen.datasets.directory import from_directory
from keras_gen.datasets.idx import IDXFormatError, read_idx
from keras_gen.datasets.mnist_sources import DATA_DIR_ENV, mnist
from keras_gen.datasets.paired import (
    TASKS,
    make_pairs,
    mnist_pair_arrays,
    mnist_pairs,
    paired_from_directories,
    paired_from_numpy,
    paired_from_side_by_side,
)
from keras_gen.datasets.spec import DataSpec
from keras_gen.datasets.stacked import stacked_mnist, stacked_mnist_arrays
from keras_gen.datasets.unpaired import (
    mnist_unpaired,
    mnist_unpaired_arrays,
    stylize_digits,
    unpaired_from_directories,
    unpaired_from_numpy,
)

__all__ = [
    "DATA_DIR_ENV",
    "DataSpec",
    "IDXFormatError",
    "TASKS",
    "from_directory",
    "from_numpy",
    "load",
    "make_pairs",
    "mnist",
    "mnist_pair_arrays",
    "mnist_pairs",
    "mnist_unpaired",
    "mnist_unpaired_arrays",
    "paired_from_directories",
    "paired_from_numpy",
    "paired_from_side_by_side",
    "read_idx",
    "stacked_mnist",
    "stacked_mnist_arrays",
    "stylize_digits",
    "unpaired_from_directories",
    "unpaired_from_numpy",
]
