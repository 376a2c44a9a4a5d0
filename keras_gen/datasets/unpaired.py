"""Unpaired datasets for translation between two domains: `(images_a, images_b)` batches.

A CycleGAN learns to translate between two sets of images that hold no
pairs: photos and paintings, horses and zebras. Its batches hold a batch of
each domain, drawn apart: each domain is shuffled on its own every epoch, and
the smaller one is repeated so that an epoch passes once through the larger.
From two arrays (`unpaired_from_numpy`), two folders (`unpaired_from_directories`,
e.g. the `trainA` and `trainB` folders of the CycleGAN data sets), or the
MNIST task built offline (`mnist_unpaired`: digits as they are, and digits
in another style, from disjoint halves of the training digits).
"""

import numpy as np

from keras_gen import validation
from keras_gen.datasets import pipeline
from keras_gen.datasets.arrays import check_images_and_labels, input_range_of
from keras_gen.datasets.directory import COLOR_MODES, image_files
from keras_gen.datasets.paired import as_array, read_image

#: The thickness added to the strokes of MNIST's domain B: each stroke is
#: widened by a `STROKE_WIDENING x STROKE_WIDENING` maximum filter.
STROKE_WIDENING = 3


def _domain(images, batch_size, input_range, value_range, shuffle, seed, drop):
    """One domain's batches, shuffled on their own."""
    tf = pipeline.tensorflow()
    return pipeline.finish(
        tf.data.Dataset.from_tensor_slices(images),
        batch_size,
        input_range,
        value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop,
        shuffle_buffer=len(images),
    )


def unpaired_from_numpy(
    images_a,
    images_b,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    value_range=(-1.0, 1.0),
    input_range=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """A batched `tf.data.Dataset` of `(images_a, images_b)` from two arrays.

    The two arrays may hold different numbers of images, of different
    channels; they are shuffled independently every epoch (with seeds
    `seed` and `seed + 1`), and the smaller is repeated so that an epoch
    has as many batches as the larger gives.

    Args:
        images_a: domain A's images `(N_a, H, W)` or `(N_a, H, W, C_a)`, uint8
            (read as 0-255) or float (read as [0, 1] unless `input_range`
            says otherwise).
        images_b: domain B's images `(N_b, H, W[, C_b])`, the same height and
            width as A's.
        batch_size: images of each domain per batch. Default 128.
        value_range: range both domains are scaled to. Default `(-1, 1)`.
        input_range: range the stored values are in, when not the default
            for their dtype; both arrays must share it.
        shuffle: shuffle each domain every epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch of each domain.

    Raises:
        ValueError: the images differ in height or width, a domain has fewer
            images than a batch (with `drop_remainder`), or the arrays would
            be read in different ranges.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    a = np.random.randint(0, 256, (100, 28, 28), dtype=np.uint8)
    b = np.random.randint(0, 256, (60, 28, 28, 3), dtype=np.uint8)
    ds = kg.datasets.unpaired_from_numpy(a, b, batch_size=32)
    images_a, images_b = next(iter(ds))  # (32, 28, 28, 1) and (32, 28, 28, 3)
    ```
    """
    tf = pipeline.tensorflow()
    validation.check_count(batch_size, "batch_size")
    images_a, _ = check_images_and_labels(images_a, None)
    images_b, _ = check_images_and_labels(images_b, None)
    if images_a.shape[1:3] != images_b.shape[1:3]:
        raise ValueError(
            f"Domain A's images are {images_a.shape[1]}x{images_a.shape[2]} "
            f"and domain B's {images_b.shape[1]}x{images_b.shape[2]}; a "
            "translation model maps images of one size. Resize one domain "
            "first (or pass `image_size` to unpaired_from_directories)."
        )
    if drop_remainder:
        for name, images in (("A", images_a), ("B", images_b)):
            if len(images) < batch_size:
                raise ValueError(
                    f"Domain {name} has {len(images)} images, fewer than one "
                    f"batch of {batch_size}, so dropping the partial batch "
                    "leaves none; pass a smaller `batch_size` or "
                    "`drop_remainder=False`."
                )
    if input_range is None:
        if images_a.dtype != images_b.dtype:
            raise ValueError(
                f"Domain A's images are {images_a.dtype} and domain B's "
                f"{images_b.dtype}, so they would be read in different ranges; "
                "convert one, or pass `input_range`."
            )
        input_range_of(images_b, None)  # checks B's values
    input_range = input_range_of(images_a, input_range)
    seeds = (None, None) if seed is None else (seed, seed + 1)
    domains = [
        _domain(
            images, batch_size, input_range, value_range, shuffle, s, drop_remainder
        )
        for images, s in zip((images_a, images_b), seeds)
    ]
    counts = [int(d.cardinality()) for d in domains]
    if counts[0] != counts[1]:
        shorter = int(np.argmin(counts))
        domains[shorter] = domains[shorter].repeat().take(max(counts))
    return tf.data.Dataset.zip(tuple(domains)).prefetch(tf.data.AUTOTUNE)


def _read_folder(directory, color_mode, image_size):
    files, _ = image_files(directory)
    images = [read_image(path, color_mode) for path in files]
    return as_array(
        images, [p.name for p in files], f"images in {directory}", image_size
    )


def unpaired_from_directories(
    dir_a,
    dir_b,
    image_size=None,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    color_mode="rgb",
    color_mode_b=None,
    value_range=(-1.0, 1.0),
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """`(images_a, images_b)` batches from two folders of unpaired images.

    The CycleGAN data sets (horse2zebra, monet2photo, ...) come as folders
    `trainA` and `trainB` (and `testA`, `testB`); any two folders of images
    work. The folders may hold different numbers of images, with no
    relation between their names. The images are read into memory.

    Args:
        dir_a: the folder of domain A's images.
        dir_b: the folder of domain B's images.
        image_size: optional `(height, width)` to resize every image to;
            without it, all images must share one size.
        batch_size: images of each domain per batch. Default 128.
        color_mode: `"rgb"` (default), `"grayscale"` or `"rgba"` of A's images.
        color_mode_b: of B's images; default `color_mode`.
        value_range: range both domains are scaled to.
        shuffle: shuffle each domain every epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch of each domain.

    Raises:
        FileNotFoundError: a folder does not exist.
        ValueError: a folder holds no images or an unreadable one, or sizes
            differ without `image_size` (the message names the file).

    Example:

    ```python
    import os, tempfile
    import numpy as np
    import keras
    import keras_gen as kg

    root = tempfile.mkdtemp()
    for side, count in (("trainA", 6), ("trainB", 4)):
        os.makedirs(os.path.join(root, side))
        for i in range(count):
            image = np.random.randint(0, 256, (32, 32, 3), dtype=np.uint8)
            keras.utils.save_img(os.path.join(root, side, f"{side}_{i}.png"), image)
    ds = kg.datasets.unpaired_from_directories(
        os.path.join(root, "trainA"), os.path.join(root, "trainB"), batch_size=2
    )
    images_a, images_b = next(iter(ds))  # (2, 32, 32, 3) each
    ```
    """
    for mode in (color_mode, color_mode_b or color_mode):
        validation.check_choice(mode, "color_mode", COLOR_MODES)
    if image_size is not None:
        validation.check_size(image_size, "image_size")
    images_a = _read_folder(dir_a, color_mode, image_size)
    images_b = _read_folder(dir_b, color_mode_b or color_mode, image_size)
    return unpaired_from_numpy(
        images_a,
        images_b,
        batch_size=batch_size,
        value_range=value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )


def stylize_digits(digits, seed=0):
    """MNIST digits in the style of the MNIST task's domain B, as uint8 RGB.

    Each digit's strokes are widened (a 3x3 maximum filter) and drawn in a
    light colour on a dark background of another, with a coarse texture;
    the colours are drawn per image. So the style differs from MNIST in
    colour, stroke width and background, while the digit stays legible.

    Args:
        digits: `(N, 28, 28)` uint8 digits (white on black).
        seed: seed of the colours and textures.

    Returns:
        `(N, 28, 28, 3)` uint8 images.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    digits = np.zeros((2, 28, 28), np.uint8)
    kg.datasets.stylize_digits(digits).shape  # (2, 28, 28, 3)
    ```
    """
    digits = np.asarray(digits)
    if digits.ndim == 4 and digits.shape[-1] == 1:
        digits = digits[..., 0]
    if digits.ndim != 3 or digits.dtype != np.uint8:
        raise ValueError(
            "stylize_digits takes uint8 digits of shape (N, H, W); got "
            f"{digits.dtype} {digits.shape}."
        )
    rng = np.random.default_rng(seed)
    count, height, width = digits.shape
    strokes = digits.astype("float32") / 255.0
    reach = STROKE_WIDENING // 2
    padded = np.pad(strokes, ((0, 0), (reach, reach), (reach, reach)))
    widened = np.max(
        [
            padded[:, dy : dy + height, dx : dx + width]
            for dy in range(STROKE_WIDENING)
            for dx in range(STROKE_WIDENING)
        ],
        axis=0,
    )[..., None]
    background = rng.uniform(0.0, 0.35, (count, 1, 1, 3))
    ink = rng.uniform(0.65, 1.0, (count, 1, 1, 3))
    cells = rng.uniform(-0.12, 0.12, (count, 4, 4, 3))
    texture = np.repeat(np.repeat(cells, -(-height // 4), 1), -(-width // 4), 2)
    texture = texture[:, :height, :width]
    styled = (background + texture) * (1.0 - widened) + ink * widened
    return np.round(np.clip(styled, 0.0, 1.0) * 255.0).astype("uint8")


def mnist_unpaired_arrays(split="train", data_dir=None, seed=0):
    """The MNIST translation task as numpy: `(images_a, labels_a, images_b, labels_b)`.

    Domain A is every other digit of the split as it is (the even
    positions, `(N/2, 28, 28, 1)`); domain B is the others (the odd
    positions) in another style (`stylize_digits`, `(N/2, 28, 28, 3)`). No
    digit is in both, so no pair exists, and both halves come from the same
    writers (MNIST's test split puts different writers in its two halves). Images are uint8; the labels say which digit each shows, for
    scoring translations (the model never sees them).

    Args:
        split: `"train"` or `"test"`.
        data_dir: a folder (or `.npz` file) of MNIST, as for `kg.datasets.mnist`.
        seed: seed of domain B's colours and textures.
    """
    from keras_gen.datasets.mnist_sources import load_arrays

    digits, labels, _ = load_arrays(split, data_dir)
    styled = stylize_digits(digits[1::2], seed=seed)
    return (
        digits[0::2, ..., None],
        labels[0::2].astype("int32"),
        styled,
        labels[1::2].astype("int32"),
    )


def mnist_unpaired(
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    split="train",
    data_dir=None,
    seed=None,
    shuffle=True,
    drop_remainder=True,
):
    """The MNIST translation task: batches of `(digits, styled digits)` in [-1, 1].

    Domain A: MNIST digits as they are, 28x28x1. Domain B: other digits in
    colour, with wider strokes, on a textured background, 28x28x3
    (`stylize_digits`). The two are disjoint halves of the split
    (alternate digits, `mnist_unpaired_arrays`), so a model learns the translation without
    pairs; the labels it never sees score how well the digit survives.

    Args:
        batch_size: images of each domain per batch. Default 128.
        split: `"train"` or `"test"`.
        data_dir: a folder (or `.npz` file) of MNIST.
        seed: seed of the shuffle and of domain B's styles (0 if `None`).
        shuffle: shuffle each domain every epoch.
        drop_remainder: drop the last partial batch.

    Example:

    ```python
    import keras_gen as kg

    ds = kg.datasets.mnist_unpaired(batch_size=32, split="test")
    digits, styled = next(iter(ds))  # (32, 28, 28, 1) and (32, 28, 28, 3)
    ```
    """
    images_a, _, images_b, _ = mnist_unpaired_arrays(split, data_dir, seed or 0)
    return unpaired_from_numpy(
        images_a,
        images_b,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )
