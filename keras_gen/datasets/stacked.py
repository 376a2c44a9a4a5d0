"""Stacked MNIST: three MNIST digits as the channels of one image, 1,000 modes.

The mode-collapse benchmark of VEEGAN (Srivastava et al., 2017) and PacGAN
(Lin et al., 2018): each 28x28x3 image stacks three random digits, so its
mode is the triple of classes, one of 1,000. A generator that covers the data
reaches all 1,000 equally often; `kg.evaluation.stacked_mnist_modes` counts
them with the bundled classifier.
"""

import numpy as np

from keras_gen import validation
from keras_gen.datasets import pipeline
from keras_gen.datasets.arrays import from_numpy

#: Modes of Stacked MNIST: one per triple of digit classes.
NUM_MODES = 1000


def stacked_mnist_arrays(num_images=60_000, split="train", data_dir=None, seed=0):
    """`(images, modes)`: uint8 `(num_images, 28, 28, 3)` and int32 mode ids.

    Each image's channels are three MNIST digits of `split` drawn at random
    (with `seed`); its mode is `100 * c0 + 10 * c1 + c2` for their classes.
    MNIST is read as `kg.datasets.mnist` reads it.
    """
    from keras_gen.datasets.mnist_sources import load_arrays

    validation.check_count(num_images, "num_images")
    digits, labels, _ = load_arrays(split, data_dir)
    picks = np.random.default_rng(seed).integers(0, len(digits), (int(num_images), 3))
    images = np.stack([digits[picks[:, c]] for c in range(3)], axis=-1)
    modes = (labels[picks] * np.array([100, 10, 1])).sum(axis=1).astype("int32")
    return images, modes


def stacked_mnist(
    num_images=60_000,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    split="train",
    data_dir=None,
    value_range=(-1.0, 1.0),
    labels=False,
    seed=None,
    shuffle=True,
    drop_remainder=True,
):
    """A batched dataset of Stacked MNIST: 28x28x3 images of three digits.

    Args:
        num_images: images to stack. Default 60,000.
        batch_size: images per batch. Default 128.
        split: the MNIST split the digits come from.
        data_dir: a folder (or `.npz` file) of MNIST.
        value_range: range the images are scaled to.
        labels: also yield each image's mode id in [0, 1000).
        seed: seed of the digits drawn (0 if `None`) and of the shuffle.
        shuffle: shuffle each epoch.
        drop_remainder: drop the last partial batch.

    Example:

    ```python
    import keras_gen as kg

    ds = kg.datasets.stacked_mnist(num_images=256, batch_size=64)
    next(iter(ds)).shape  # (64, 28, 28, 3)
    ```
    """
    images, modes = stacked_mnist_arrays(num_images, split, data_dir, seed or 0)
    return from_numpy(
        images,
        modes if labels else None,
        batch_size=batch_size,
        value_range=value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )
