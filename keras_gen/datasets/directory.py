"""Datasets from a folder of image files."""

import pathlib
import warnings

import keras

from keras_gen import validation
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
    skip_bad_files=False,
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
        skip_bad_files: every image file is checked before training (its
            format, with Pillow). False (default): the first file that is
            not a readable image raises a `ValueError` naming it. True: such
            files are left out, with one warning that counts them.

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
    validation.check_size(image_size, "image_size")
    validation.check_count(batch_size, "batch_size")
    validation.check_choice(color_mode, "color_mode", ("rgb", "grayscale", "rgba"))
    files = sorted(
        path for path in directory.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES
    )
    if not files:
        raise ValueError(
            f"No images found in {directory} or its subfolders; readable files "
            f"end in {', '.join(IMAGE_SUFFIXES)}."
        )
    bad = unreadable(files, stop_at_first=not skip_bad_files)
    if bad and not skip_bad_files:
        raise ValueError(
            f"{bad[0]} is not a readable image ({bad[1]}). Remove or replace "
            "it, or pass skip_bad_files=True to leave such files out."
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
    if bad:
        warnings.warn(
            f"Leaving out {len(bad) // 2} of the {len(files)} image files in "
            f"{directory} that are not readable images (the first: {bad[0]}).",
            stacklevel=2,
        )
        dataset = dataset.ignore_errors()
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


def unreadable(files, stop_at_first):
    """`[path, reason, path, reason, ...]` of the files Pillow cannot read as
    images; stops at the first one when asked."""
    from PIL import Image, UnidentifiedImageError

    bad = []
    for path in files:
        try:
            with Image.open(path) as image:
                image.verify()
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
            bad += [path, f"{type(error).__name__}: {error}"]
            if stop_at_first:
                break
    return bad
