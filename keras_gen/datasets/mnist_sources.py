"""MNIST from local files, tensorflow-datasets, or the sample shipped with keras_gen.

Where the images come from, in order:

1. `data_dir=` or the `KERAS_GEN_DATA_DIR` environment variable: a folder (or
   file) holding a Keras-layout `mnist.npz` or the four official IDX files
   (`train-images-idx3-ubyte.gz`, ...). When it is set, nothing else is tried.
2. tensorflow-datasets: read from its cache, or downloaded and cached on first
   use.
3. When no network can be reached: the official MNIST *test* split (10,000
   images) shipped inside keras_gen, with a warning, so examples and the quick
   start run on a machine without network.
"""

import os
import pathlib
import socket
import warnings

import numpy as np

from keras_gen.datasets import pipeline
from keras_gen.datasets.arrays import check_images_and_labels
from keras_gen.datasets.idx import read_idx

DATA_DIR_ENV = "KERAS_GEN_DATA_DIR"
BUNDLED_DIR = pathlib.Path(__file__).parent / "data"
IDX_PREFIX = {"train": "train", "test": "t10k"}
#: Host tensorflow-datasets downloads MNIST from; probed before a download.
DOWNLOAD_HOST = ("storage.googleapis.com", 443)


class OfflineError(ConnectionError):
    """tensorflow-datasets would need to download, and no network can be reached."""


class SampleInsteadWarning(UserWarning):
    """MNIST could not be had, so the 10,000 test digits shipped with keras_gen
    stand in for the training split."""


def _idx_paths(folder, split):
    prefix = IDX_PREFIX[split]
    found = {}
    for kind, rank in (("images", 3), ("labels", 1)):
        for suffix in (".gz", ""):
            path = folder / f"{prefix}-{kind}-idx{rank}-ubyte{suffix}"
            if path.is_file():
                found[kind] = path
                break
    return found


def from_files(data_dir, split="train"):
    """Reads MNIST `split` from a folder (or `.npz` file); returns uint8 images, labels."""
    location = pathlib.Path(data_dir).expanduser()
    npz = location if location.suffix == ".npz" else location / "mnist.npz"
    if npz.is_file():
        with np.load(npz) as data:
            return data[f"x_{split}"], data[f"y_{split}"]
    if location.is_dir():
        idx = _idx_paths(location, split)
        if len(idx) == 2:
            return read_idx(idx["images"]), read_idx(idx["labels"])
    prefix = IDX_PREFIX[split]
    raise FileNotFoundError(
        f"No MNIST {split} data at {location}: looked for {npz.name} and for "
        f"{prefix}-images-idx3-ubyte[.gz] with {prefix}-labels-idx1-ubyte[.gz] "
        f"in {location if location.is_dir() else location.parent}."
    )


def _network_reachable(timeout=3.0):
    try:
        with socket.create_connection(DOWNLOAD_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def from_tfds(split="train", data_dir=None):
    """Reads MNIST `split` through tensorflow-datasets; returns uint8 images, labels.

    Raises:
        OfflineError: when the set is not cached and no network can be reached
            (checked in a few seconds, rather than after the minutes of
            retries a download takes to fail).
    """
    import tensorflow_datasets as tfds
    from absl import logging

    # tensorflow-datasets logs a warning about a cache folder that does not
    # exist yet, which says nothing to a user: only errors are shown.
    verbosity = logging.get_verbosity()
    logging.set_verbosity(logging.ERROR)
    try:
        builder = tfds.builder("mnist", data_dir=data_dir)
        prepared = builder.is_prepared()
    finally:
        logging.set_verbosity(verbosity)
    if not prepared and not _network_reachable():
        raise OfflineError(
            f"MNIST is not in the tensorflow-datasets cache and {DOWNLOAD_HOST[0]} cannot be reached."
        )
    dataset = tfds.load("mnist", split=split, as_supervised=True, data_dir=data_dir)
    batches = list(tfds.as_numpy(dataset.batch(4096)))
    images = np.concatenate([images for images, _ in batches])
    labels = np.concatenate([labels for _, labels in batches])
    return images, labels


def bundled(split="train"):
    """The official MNIST test split shipped with keras_gen (10,000 images)."""
    return (
        read_idx(BUNDLED_DIR / "t10k-images-idx3-ubyte.gz"),
        read_idx(BUNDLED_DIR / "t10k-labels-idx1-ubyte.gz"),
    )


def load_arrays(split="train", data_dir=None):
    """MNIST `split` as uint8 images `(N, 28, 28)` and labels, from the first source that has it.

    Returns:
        `(images, labels, source)`, `source` saying where they came from.
    """
    if split not in IDX_PREFIX:
        raise ValueError(f"`split` must be 'train' or 'test'; got {split!r}.")
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV)
    if data_dir:
        images, labels = from_files(data_dir, split)
        return images, labels, f"files in {data_dir}"
    try:
        images, labels = from_tfds(split)
        return images, labels, "tensorflow-datasets"
    except (OSError, ImportError) as error:  # OfflineError, failed downloads
        reason = error
    images, labels = bundled(split)
    if split == "train":
        warnings.warn(
            "MNIST could not be downloaded "
            f"({type(reason).__name__}: {str(reason)[:200]}), so keras_gen is "
            "using the 10,000-image sample it ships (the official test split) "
            "as training data. For the full 60,000 images, run once with "
            "network access (tensorflow-datasets caches them), or point "
            f"`data_dir=` or ${DATA_DIR_ENV} at a folder with mnist.npz or the "
            "four official IDX files.",
            SampleInsteadWarning,
            stacklevel=3,
        )
    return images, labels, "the test split shipped with keras_gen"


def mnist(
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    labels=False,
    value_range=(-1.0, 1.0),
    split="train",
    data_dir=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    image_size=None,
    binarize=False,
):
    """MNIST as a batched `tf.data.Dataset` of float32 `(28, 28, 1)` images.

    Args:
        batch_size: images per batch. Default 128.
        labels: yield `(images, int32 labels)`, e.g. for `kg.CGAN`.
        value_range: `(-1, 1)` for GANs (tanh generators), `(0, 1)` for a
            Bernoulli VAE.
        split: `"train"` or `"test"`.
        data_dir: a folder (or `mnist.npz` path) with local MNIST files;
            defaults to `$KERAS_GEN_DATA_DIR`. See the module docstring for
            the order of sources.
        shuffle: shuffle each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch (GANs want equal batches).
        image_size: optional `(height, width)` to resize to, e.g. `(64, 64)`.
        binarize: draw each pixel as 0 or 1 with its intensity as the
            probability, afresh every epoch (with `value_range=(0, 1)`): the
            binarised MNIST on which VAE likelihoods are reported.

    Example:

    ```python
    import keras_gen as kg

    ds = kg.datasets.mnist(batch_size=128)             # images in [-1, 1]
    ds = kg.datasets.mnist(batch_size=128, labels=True)  # (images, labels)
    ds = kg.datasets.mnist(value_range=(0, 1))         # for kg.VAE
    ds = kg.datasets.mnist(value_range=(0, 1), binarize=True)  # binarised
    ds = kg.datasets.mnist(image_size=(64, 64))        # upsampled, 64x64
    ```
    """
    tf = pipeline.tensorflow()
    images, class_ids, _ = load_arrays(split, data_dir)
    images, class_ids = check_images_and_labels(images, class_ids)
    data = (images, class_ids) if labels else images
    return pipeline.finish(
        tf.data.Dataset.from_tensor_slices(data),
        batch_size,
        (0.0, 255.0),
        value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        shuffle_buffer=len(images),
        image_size=image_size,
        binarize=binarize,
    )
