"""Datasets from a folder of image files."""

import pathlib

import keras

from keras_gen.datasets import pipeline

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def from_directory(
    directory,
    image_size=(64, 64),
    batch_size=64,
    color_mode="rgb",
    labels=False,
    value_range=(-1.0, 1.0),
    shuffle=True,
    seed=None,
    drop_remainder=True,
    cache=False,
):
    """A batched `tf.data.Dataset` of the images in a folder, resized to `image_size`.

    Reads files with `keras.utils.image_dataset_from_directory`. With
    `labels=True`, each subfolder is a class and the dataset yields
    `(images, labels)`; otherwise images are read from the folder and its
    subfolders.

    Args:
        directory: the folder.
        image_size: `(height, width)` the images are resized to.
        batch_size: images per batch.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`.
        labels: yield class labels inferred from subfolder names.
        value_range: range the images are scaled to.
        shuffle: shuffle each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.
        cache: keep decoded images in memory (for folders that fit).

    Example:

    ```python
    import os, tempfile
    import numpy as np
    import keras
    import keras_gen as kg

    folder = tempfile.mkdtemp()
    for i in range(4):
        image = np.random.randint(0, 256, (40, 40, 3), dtype=np.uint8)
        keras.utils.save_img(os.path.join(folder, f"{i}.png"), image)
    ds = kg.datasets.from_directory(folder, image_size=(32, 32), batch_size=2)
    next(iter(ds)).shape  # (2, 32, 32, 3)
    ```
    """
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"No folder at {directory}.")
    if not any(path.suffix.lower() in IMAGE_SUFFIXES for path in directory.rglob("*")):
        raise ValueError(
            f"No images found in {directory} or its subfolders; readable files "
            f"end in {', '.join(IMAGE_SUFFIXES)}."
        )
    dataset = keras.utils.image_dataset_from_directory(
        directory,
        labels="inferred" if labels else None,
        label_mode="int" if labels else None,
        color_mode=color_mode,
        image_size=tuple(image_size),
        batch_size=None,
        shuffle=False,
        verbose=False,
    )
    return pipeline.finish(
        dataset,
        batch_size,
        (0.0, 255.0),
        value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        cache=cache,
    )
