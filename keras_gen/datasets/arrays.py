"""Datasets from numpy arrays."""

import numpy as np

from keras_gen.datasets import pipeline


def input_range_of(images, input_range):
    """The range images are stored in: `input_range`, else their dtype's
    (uint8: 0-255; float: [0, 1], checked)."""
    if input_range is not None:
        return tuple(float(v) for v in input_range)
    if images.dtype == np.uint8:
        return (0.0, 255.0)
    if np.issubdtype(images.dtype, np.floating):
        low, high = float(images.min()), float(images.max())
        if low < -1e-3 or high > 1 + 1e-3:
            raise ValueError(
                f"Float images are read as values in [0, 1], but these span "
                f"[{low:g}, {high:g}]. Pass `input_range=(low, high)` to say "
                "what range they are stored in, e.g. (0, 255) or (-1, 1)."
            )
        return (0.0, 1.0)
    raise ValueError(
        f"Images must be uint8 (0-255) or float arrays; got dtype {images.dtype}. "
        "Convert them, e.g. `x.astype('uint8')`, or pass `input_range`."
    )


def check_images_and_labels(images, labels):
    """Returns `(images, labels)` as `(N, H, W, C)` and `(N,)` int32, or raises."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            "Images must have shape (N, H, W) or (N, H, W, C); got an array of "
            f"shape {images.shape}."
        )
    if images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"Images have {images.shape[-1]} channels; expected 1, 3 or 4. Is the "
            "channel axis last (N, H, W, C)?"
        )
    if len(images) == 0:
        raise ValueError("No images: the array is empty.")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim == 2 and labels.shape[1] > 1:
            raise ValueError(
                "Labels must be integer class ids of shape (N,); got shape "
                f"{labels.shape}, which looks one-hot: pass `labels.argmax(-1)`."
            )
        if labels.ndim != 1:
            raise ValueError(
                f"Labels must be integer class ids of shape (N,); got shape {labels.shape}."
            )
        if len(labels) != len(images):
            raise ValueError(
                f"Got {len(labels)} labels for {len(images)} images; every image "
                "needs exactly one label."
            )
        if not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"Labels must be integer class ids; got dtype {labels.dtype}."
            )
        labels = labels.astype("int32")
    return images, labels


def from_numpy(
    x,
    y=None,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    value_range=(-1.0, 1.0),
    input_range=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """A batched `tf.data.Dataset` of images (and labels) from numpy arrays.

    Args:
        x: images `(N, H, W)` or `(N, H, W, C)`, uint8 (read as 0-255) or
            float (read as [0, 1] unless `input_range` says otherwise).
        y: optional integer labels `(N,)`; the dataset then yields
            `(images, labels)`.
        batch_size: images per batch. Default 128.
        value_range: range the images are scaled to: `(-1, 1)` for GANs,
            `(0, 1)` for a Bernoulli VAE.
        input_range: range the stored values are in, when not the default
            for their dtype.
        shuffle: shuffle each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    x = np.random.randint(0, 256, (100, 28, 28), dtype=np.uint8)
    ds = kg.datasets.from_numpy(x, batch_size=32)
    images = next(iter(ds))  # float32 (32, 28, 28, 1) in [-1, 1]
    ```
    """
    tf = pipeline.tensorflow()
    images, labels = check_images_and_labels(x, y)
    input_range = input_range_of(images, input_range)
    data = images if labels is None else (images, labels)
    return pipeline.finish(
        tf.data.Dataset.from_tensor_slices(data),
        batch_size,
        input_range,
        value_range,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        shuffle_buffer=len(images),
    )
