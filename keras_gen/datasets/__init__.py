"""Datasets: MNIST and any image set, from files, tensorflow-datasets, arrays or folders.

Every function returns a batched `tf.data.Dataset` of float32 images scaled to
`value_range` (`(-1, 1)` by default), optionally with integer labels, cached,
shuffled with a seed, and prefetched.
"""

from keras_gen.datasets.arrays import from_numpy
from keras_gen.datasets.catalog import load
from keras_gen.datasets.directory import from_directory
from keras_gen.datasets.idx import IDXFormatError, read_idx
from keras_gen.datasets.mnist_sources import DATA_DIR_ENV, mnist

__all__ = [
    "DATA_DIR_ENV",
    "IDXFormatError",
    "from_directory",
    "from_numpy",
    "load",
    "mnist",
    "read_idx",
]
