"""Datasets from a folder of image files."""

import pathlib
import warnings

import keras

from keras_gen import validation
from keras_gen.datasets import pipeline

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
COLOR_MODES = ("rgb", "grayscale", "rgba")


def image_files(directory, recursive=False, skip_bad_files=None):
    """The image files of a folder, sorted, each checked to be readable.

    Args:
        directory: the folder.
        recursive: include its subfolders.
        skip_bad_files: True: leave out files that are not readable images
            (returned apart); False: raise at the first, saying that
            `skip_bad_files=True` leaves them out; `None` (default): raise
            at the first.

    Returns:
        `(files, bad)`: the readable image files, and those left out.

    Raises:
        FileNotFoundError: there is no folder at `directory`.
        ValueError: it holds no image files, or (without `skip_bad_files`)
            one is not a readable image; the message names it.
    """
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"No folder at {directory}.")
    listing = directory.rglob("*") if recursive else directory.iterdir()
    files = sorted(p for p in listing if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        where = f"{directory} or its subfolders" if recursive else str(directory)
        raise ValueError(
            f"No images found in {where}; readable files end in "
            f"{', '.join(IMAGE_SUFFIXES)}."
        )
    bad = unreadable(files, stop_at_first=not skip_bad_files)
    if bad and not skip_bad_files:
        hint = (
            ""
            if skip_bad_files is None
            else (", or pass skip_bad_files=True to leave such files out")
        )
        raise ValueError(
            f"{bad[0]} is not a readable image ({bad[1]}). Remove or replace it{hint}."
        )
    bad_files = bad[::2]
    return [f for f in files if f not in bad_files], bad_files


def from_directory(
    directory,
    image_size=(64, 64),
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
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
        batch_size: images per batch. Default 128.
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
    validation.check_size(image_size, "image_size")
    validation.check_count(batch_size, "batch_size")
    validation.check_choice(color_mode, "color_mode", COLOR_MODES)
    files, bad = image_files(directory, recursive=True, skip_bad_files=skip_bad_files)
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
            f"Leaving out {len(bad)} of the {len(files) + len(bad)} image files "
            f"in {directory} that are not readable images (the first: {bad[0]}).",
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
