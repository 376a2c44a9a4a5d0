"""Paired datasets for image-to-image translation: `(inputs, targets)` batches.

From two arrays (`paired_from_numpy`), two folders of same-named images
(`paired_from_directories`), the side-by-side `A|B` files of the pix2pix data
sets (`paired_from_side_by_side`), or made from single images for a task
(`make_pairs`, `mnist_pairs`).
"""

import numpy as np

from keras_gen import validation
from keras_gen.datasets import pipeline
from keras_gen.datasets.arrays import check_images_and_labels, input_range_of
from keras_gen.datasets.directory import COLOR_MODES, image_files

#: The tasks `make_pairs` and `mnist_pairs` make pairs for.
TASKS = ("super_resolution", "inpainting", "outpainting", "denoising")

#: The default super-resolution factor: the input is the target shrunk
#: 4-fold (28x28 -> 7x7 on MNIST), then enlarged back.
DOWNSCALE = 4
#: The fractions of an image inpainting can hide: a half, or three quarters.
HIDDEN_FRACTIONS = (0.5, 0.75)
#: Denoising inputs: a Gaussian blur of this standard deviation (pixels)...
BLUR_SIGMA = 1.0
#: ...then Gaussian noise of this standard deviation (in [0, 1] units).
NOISE_STD = 0.2


def _check_task(task):
    validation.check_choice(task, "task", TASKS)


def make_pairs(
    images,
    task,
    value_range=(-1.0, 1.0),
    seed=0,
    factor=DOWNSCALE,
    hidden_fraction=0.5,
):
    """`(inputs, targets)` for an image-to-image task, made from images.

    - `"super_resolution"`: the input is the image averaged over
      `factor x factor` blocks (28x28 -> 7x7 for 4, -> 4x4 for 7) and
      enlarged back to full size by bicubic interpolation: the network sees
      a blurred version at the target's size and restores the detail.
    - `"inpainting"`: the input is the image with part of it set to the
      middle of `value_range`, so the missing part is marked; the network
      completes it. `hidden_fraction=0.5` hides one half (top, bottom, left
      or right), `0.75` three of the four quarters (one quarter stays), each
      drawn per image with `seed`.
    - `"outpainting"`: the input is the centre of the image (half its height
      and width), the outer ring set to the middle of `value_range`; the
      network extends the image past the centre's borders.
    - `"denoising"` (enhancement): the input is the image blurred (Gaussian,
      sigma 1 pixel) with Gaussian noise added (standard deviation 0.2 of
      the range, drawn with `seed`), clipped to `value_range`.

    Args:
        images: `(N, H, W, C)` (or `(N, H, W)`) float images in
            `value_range`; sides divisible by `factor` for super-resolution.
        task: one of `TASKS`.
        value_range: range of the images; inputs stay in it.
        seed: seed of the inpainting masks and of the denoising noise.
        factor: the super-resolution factor. Default 4.
        hidden_fraction: what inpainting hides: 0.5 (default) or 0.75.

    Returns:
        float32 `(inputs, targets)`, both `(N, H, W, C)` in `value_range`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    images = np.random.uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(images, "outpainting")
    inputs.shape  # (8, 28, 28, 1)
    small, _ = kg.datasets.make_pairs(images, "super_resolution", factor=7)
    ```
    """
    _check_task(task)
    validation.check_range(value_range, "value_range")
    validation.check_count(factor, "factor", minimum=2)
    if hidden_fraction not in HIDDEN_FRACTIONS:
        raise ValueError(
            f"`hidden_fraction` is what inpainting hides, 0.5 (a half) or "
            f"0.75 (three quarters); got {hidden_fraction!r}."
        )
    targets = np.asarray(images, dtype="float32")
    if targets.ndim == 3:
        targets = targets[..., None]
    if targets.ndim != 4:
        raise ValueError(
            f"Images must have shape (N, H, W) or (N, H, W, C); got {targets.shape}."
        )
    low, high = (float(v) for v in value_range)
    validation.check_image_values(targets, (low, high), "make_pairs")
    fill = (low + high) / 2
    if task == "super_resolution":
        inputs = _blurred(targets, low, high, int(factor))
    elif task == "inpainting":
        inputs = _masked(targets, fill, seed, hidden_fraction)
    elif task == "outpainting":
        inputs = _centre_only(targets, fill)
    else:
        inputs = _noisy(targets, low, high, seed)
    return inputs, targets


def _blurred(images, low, high, factor):
    """Images averaged over blocks of `factor` and enlarged back (bicubic)."""
    from keras import ops

    height, width = images.shape[1:3]
    if height % factor or width % factor:
        raise ValueError(
            f"Super-resolution pairs shrink images {factor}-fold; "
            f"{height}x{width} is not divisible by {factor}. Pass a `factor` "
            "that divides both sides."
        )
    small = images.reshape(
        (len(images), height // factor, factor, width // factor, factor, -1)
    ).mean(axis=(2, 4))
    large = ops.image.resize(
        small, (height, width), interpolation="bicubic", antialias=False
    )
    return np.clip(ops.convert_to_numpy(large), low, high).astype("float32")


def _masked(images, fill, seed, hidden_fraction):
    """Images with a random half (top, bottom, left, right), or all but a
    random quarter, set to `fill`."""
    rng = np.random.default_rng(seed)
    inputs = images.copy()
    height, width = images.shape[1:3]
    rows = (slice(None, height // 2), slice(height // 2, None))
    columns = (slice(None, width // 2), slice(width // 2, None))
    for index, part in enumerate(rng.integers(0, 4, len(images))):
        if hidden_fraction == 0.5:
            side = (
                (rows[part], slice(None))
                if part < 2
                else (slice(None), columns[part - 2])
            )
            inputs[index][side] = fill
        else:
            kept = inputs[index, rows[part // 2], columns[part % 2]].copy()
            inputs[index] = fill
            inputs[index, rows[part // 2], columns[part % 2]] = kept
    return inputs


def _centre_only(images, fill):
    """Images with everything outside the centre (half of each side) set to `fill`."""
    height, width = images.shape[1:3]
    top, left = height // 4, width // 4
    inputs = np.full_like(images, fill)
    centre = (slice(None), slice(top, height - top), slice(left, width - left))
    inputs[centre] = images[centre]
    return inputs


def _noisy(images, low, high, seed):
    """Images blurred (Gaussian, `BLUR_SIGMA`), plus Gaussian noise."""
    radius = int(np.ceil(3 * BLUR_SIGMA))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / BLUR_SIGMA) ** 2)
    taps /= taps.sum()
    padded = np.pad(
        images, ((0, 0), (radius, radius), (radius, radius), (0, 0)), mode="edge"
    )
    height, width = images.shape[1:3]
    rows = sum(t * padded[:, i : i + height] for i, t in enumerate(taps))
    blurred = sum(t * rows[:, :, i : i + width] for i, t in enumerate(taps))
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, NOISE_STD * (high - low), images.shape)
    return np.clip(blurred + noise, low, high).astype("float32")


def _check_pair_arrays(inputs, targets):
    inputs, _ = check_images_and_labels(inputs, None)
    targets, _ = check_images_and_labels(targets, None)
    if len(inputs) != len(targets):
        raise ValueError(
            f"Got {len(inputs)} inputs and {len(targets)} targets; every input "
            "needs exactly one target, in the same order."
        )
    if inputs.shape[1:3] != targets.shape[1:3]:
        raise ValueError(
            f"Inputs are {inputs.shape[1]}x{inputs.shape[2]} and targets "
            f"{targets.shape[1]}x{targets.shape[2]}; a pair's two images must be "
            "the same size. Resize one side first (for super-resolution, "
            "enlarge the inputs to the targets' size)."
        )
    return inputs, targets


def paired_from_numpy(
    inputs,
    targets,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    value_range=(-1.0, 1.0),
    input_range=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """A batched `tf.data.Dataset` of `(inputs, targets)` from two arrays.

    Args:
        inputs: input images `(N, H, W)` or `(N, H, W, C)`, uint8 (read as
            0-255) or float (read as [0, 1] unless `input_range` says
            otherwise).
        targets: target images, one per input, the same height and width
            (channels may differ).
        batch_size: pairs per batch. Default 128.
        value_range: range both images are scaled to. Default `(-1, 1)`.
        input_range: range the stored values are in, when not the default
            for their dtype; both arrays must share it.
        shuffle: shuffle the pairs each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.

    Raises:
        ValueError: the arrays hold different numbers of images, or images
            of different sizes.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    x = np.random.randint(0, 256, (100, 28, 28), dtype=np.uint8)
    y = np.random.randint(0, 256, (100, 28, 28), dtype=np.uint8)
    ds = kg.datasets.paired_from_numpy(x, y, batch_size=32)
    inputs, targets = next(iter(ds))  # float32 (32, 28, 28, 1) each, in [-1, 1]
    ```
    """
    tf = pipeline.tensorflow()
    inputs, targets = _check_pair_arrays(inputs, targets)
    if input_range is None:
        if inputs.dtype != targets.dtype:
            raise ValueError(
                f"Inputs are {inputs.dtype} and targets {targets.dtype}, so they "
                "would be read in different ranges; convert one, or pass "
                "`input_range`."
            )
        input_range_of(targets, None)  # checks the targets' values
    input_range = input_range_of(inputs, input_range)
    return pipeline.finish(
        tf.data.Dataset.from_tensor_slices((inputs, targets)),
        batch_size,
        input_range,
        value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        shuffle_buffer=len(inputs),
        image_components=2,
    )


def read_image(path, color_mode):
    import keras

    image = keras.utils.load_img(path, color_mode=color_mode)
    return keras.utils.img_to_array(image, dtype="uint8")


def _stack(images, names, what):
    sizes = {image.shape[:2] for image in images}
    if len(sizes) > 1:
        first = images[0].shape[:2]
        odd = next(n for n, i in zip(names, images) if i.shape[:2] != first)
        raise ValueError(
            f"The {what} differ in size: {names[0]} is {first[0]}x{first[1]}, "
            f"{odd} is not. Pass `image_size` to resize them all."
        )
    return np.stack(images)


def as_array(images, names, what, image_size):
    """One uint8 array of `images`: resized to `image_size`, or stacked as
    they are when they share one size."""
    if image_size is None:
        return _stack(images, names, what)
    from keras import ops

    validation.check_size(image_size, "image_size")
    resized = [
        ops.convert_to_numpy(ops.image.resize(i.astype("float32"), tuple(image_size)))
        for i in images
    ]
    return np.clip(np.round(np.stack(resized)), 0, 255).astype("uint8")


def paired_from_directories(
    input_dir,
    target_dir,
    image_size=None,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    color_mode="rgb",
    target_color_mode=None,
    value_range=(-1.0, 1.0),
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """`(inputs, targets)` batches from two folders of same-named images.

    Each image in `input_dir` is paired with the image of the same name
    (suffix aside) in `target_dir`. The images are read into memory.

    Args:
        input_dir: the folder of input images.
        target_dir: the folder of target images.
        image_size: optional `(height, width)` to resize every image to;
            without it, all images must share one size.
        batch_size: pairs per batch. Default 128.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"` of the inputs.
        target_color_mode: of the targets; default `color_mode`.
        value_range: range both images are scaled to.
        shuffle: shuffle the pairs each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.

    Raises:
        ValueError: the folders' names do not match one to one (the first
            unmatched names are given), an image is unreadable, or sizes
            differ without `image_size`.

    Example:

    ```python
    import os, tempfile
    import numpy as np
    import keras
    import keras_gen as kg

    root = tempfile.mkdtemp()
    for side in ("a", "b"):
        os.makedirs(os.path.join(root, side))
        for i in range(4):
            image = np.random.randint(0, 256, (32, 32, 3), dtype=np.uint8)
            keras.utils.save_img(os.path.join(root, side, f"{i}.png"), image)
    ds = kg.datasets.paired_from_directories(
        os.path.join(root, "a"), os.path.join(root, "b"), batch_size=2
    )
    inputs, targets = next(iter(ds))  # (2, 32, 32, 3) each
    ```
    """
    for mode in (color_mode, target_color_mode or color_mode):
        validation.check_choice(mode, "color_mode", COLOR_MODES)
    input_files = {p.stem: p for p in image_files(input_dir)[0]}
    target_files = {p.stem: p for p in image_files(target_dir)[0]}
    only_inputs = sorted(set(input_files) - set(target_files))
    only_targets = sorted(set(target_files) - set(input_files))
    if only_inputs or only_targets:
        raise ValueError(
            f"The folders' images do not pair up by name: "
            f"{len(only_inputs)} in {input_dir} have no target (e.g. "
            f"{only_inputs[:3]}), {len(only_targets)} in {target_dir} have no "
            f"input (e.g. {only_targets[:3]}). Give each pair the same file name."
        )
    names = sorted(input_files)
    inputs = [read_image(input_files[n], color_mode) for n in names]
    targets = [
        read_image(target_files[n], target_color_mode or color_mode) for n in names
    ]
    inputs = as_array(inputs, names, f"images in {input_dir}", image_size)
    targets = as_array(targets, names, f"images in {target_dir}", image_size)
    return paired_from_numpy(
        inputs,
        targets,
        batch_size=batch_size,
        value_range=value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )


def paired_from_side_by_side(
    directory,
    image_size=None,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    input_side="left",
    color_mode="rgb",
    value_range=(-1.0, 1.0),
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """`(inputs, targets)` batches from side-by-side `A|B` image files.

    The pix2pix data sets (facades, maps, cityscapes, edges2shoes, ...) store
    each pair as one image, the two halves side by side. Each file is split
    down the middle; `input_side` says which half is the input (facades'
    photos are on the left and their label maps on the right: translate
    labels to photos with `input_side="right"`).

    Args:
        directory: the folder of paired files (e.g. `facades/train`).
        image_size: optional `(height, width)` to resize each half to
            (256x256 for the pix2pix sets); without it, all halves must share
            one size.
        batch_size: pairs per batch. Default 128.
        input_side: `"left"` (default) or `"right"`.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`.
        value_range: range both images are scaled to.
        shuffle: shuffle the pairs each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.

    Raises:
        ValueError: a file is unreadable or has an odd width (it cannot be
            two equal halves), or sizes differ without `image_size`.

    Example:

    ```python
    import os, tempfile
    import numpy as np
    import keras
    import keras_gen as kg

    folder = tempfile.mkdtemp()
    for i in range(4):
        pair = np.random.randint(0, 256, (32, 64, 3), dtype=np.uint8)
        keras.utils.save_img(os.path.join(folder, f"{i}.jpg"), pair)
    ds = kg.datasets.paired_from_side_by_side(folder, batch_size=2)
    inputs, targets = next(iter(ds))  # (2, 32, 32, 3) each
    ```
    """
    validation.check_choice(input_side, "input_side", ("left", "right"))
    validation.check_choice(color_mode, "color_mode", COLOR_MODES)
    files, _ = image_files(directory)
    lefts, rights = [], []
    for path in files:
        pair = read_image(path, color_mode)
        width = pair.shape[1]
        if width % 2:
            raise ValueError(
                f"{path} is {width} pixels wide, so it is not two equal halves "
                "side by side; each file must hold input and target as A|B."
            )
        lefts.append(pair[:, : width // 2])
        rights.append(pair[:, width // 2 :])
    names = [p.name for p in files]
    lefts = as_array(lefts, names, f"pairs in {directory}", image_size)
    rights = as_array(rights, names, f"pairs in {directory}", image_size)
    inputs, targets = (lefts, rights) if input_side == "left" else (rights, lefts)
    return paired_from_numpy(
        inputs,
        targets,
        batch_size=batch_size,
        value_range=value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )


def mnist_pairs(
    task,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    split="train",
    data_dir=None,
    seed=None,
    shuffle=True,
    drop_remainder=True,
    **task_options,
):
    """MNIST pairs for an image-to-image task (`make_pairs`), in [-1, 1].

    MNIST is read as `kg.datasets.mnist` reads it (files in `data_dir` or
    `$KERAS_GEN_DATA_DIR`, tensorflow-datasets, or the shipped test split
    when offline).

    Args:
        task: one of `TASKS`: `"super_resolution"` (7x7 -> 28x28),
            `"inpainting"` (half of each digit hidden), `"outpainting"`
            (the centre 14x14 given), `"denoising"` (blurred and noisy).
        batch_size: pairs per batch. Default 128.
        split: `"train"` or `"test"`.
        data_dir: a folder (or `.npz` file) of MNIST.
        seed: seed of the shuffle and of the inpainting masks (0 if `None`).
        shuffle: shuffle the pairs each epoch.
        drop_remainder: drop the last partial batch.
        **task_options: `make_pairs`'s `factor` (super-resolution, e.g. 7
            for 4x4 inputs) or `hidden_fraction` (inpainting, 0.75 for three
            quarters hidden).

    Example:

    ```python
    import keras_gen as kg

    ds = kg.datasets.mnist_pairs("super_resolution", split="test")
    inputs, targets = next(iter(ds))  # (64, 28, 28, 1) each, in [-1, 1]
    ```
    """
    inputs, targets, _ = mnist_pair_arrays(
        task, split, data_dir, seed or 0, **task_options
    )
    return paired_from_numpy(
        inputs,
        targets,
        batch_size=batch_size,
        input_range=(-1.0, 1.0),
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
    )


def mnist_pair_arrays(task, split="test", data_dir=None, seed=0, **task_options):
    """`(inputs, targets, labels)` of MNIST pairs as numpy, images in [-1, 1].

    The held-out pairs `kg.evaluation.evaluate()` scores a Pix2Pix model on
    (`test_data=(inputs, targets), test_labels=labels`). `task_options` are
    `make_pairs`'s `factor` and `hidden_fraction`.
    """
    from keras_gen.datasets.mnist_sources import load_arrays

    _check_task(task)
    images, labels, _ = load_arrays(split, data_dir)
    images = images[..., None].astype("float32") / 127.5 - 1.0
    inputs, targets = make_pairs(images, task, seed=seed, **task_options)
    return inputs, targets, labels.astype("int32")
