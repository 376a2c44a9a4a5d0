"""Any tensorflow-datasets image set by name: `kg.datasets.load("fashion_mnist")`."""

import difflib

from keras_gen.datasets import pipeline


def _tfds():
    import tensorflow_datasets as tfds

    return tfds


def _builder(name, data_dir):
    tfds = _tfds()
    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        close = difflib.get_close_matches(name, tfds.list_builders(), n=5, cutoff=0.6)
        hint = f" Close matches: {', '.join(close)}." if close else ""
        raise ValueError(
            f"Unknown dataset {name!r} in tensorflow-datasets.{hint} See "
            "`tfds.list_builders()` for every name."
        ) from None


def image_features(builder):
    """Returns `(image_key, label_key_or_None)` of a tfds builder's features."""
    tfds = _tfds()
    features = builder.info.features
    images = [k for k, f in features.items() if isinstance(f, tfds.features.Image)]
    labels = [k for k, f in features.items() if isinstance(f, tfds.features.ClassLabel)]
    if not images:
        raise ValueError(
            f"Dataset {builder.name!r} has no image feature (its features: "
            f"{', '.join(features)}); keras_gen trains on image datasets."
        )
    return images[0], (labels[0] if labels else None)


def load(
    name,
    batch_size=pipeline.DEFAULT_BATCH_SIZE,
    split="train",
    labels=False,
    value_range=(-1.0, 1.0),
    image_size=None,
    data_dir=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    cache=True,
):
    """A batched dataset of any tensorflow-datasets set with an image feature.

    Downloads and prepares the set on first use (tensorflow-datasets caches it
    in `data_dir`, `~/tensorflow_datasets` by default).

    Args:
        name: a tensorflow-datasets name, e.g. `"fashion_mnist"`, `"cifar10"`.
        batch_size: images per batch. Default 128.
        split: which split, e.g. `"train"`, `"test"`, `"train[:10%]"`.
        labels: yield `(images, labels)` from the set's class label.
        value_range: range the images are scaled to.
        image_size: optional `(height, width)` to resize to.
        data_dir: where tensorflow-datasets keeps its data.
        shuffle: shuffle each epoch.
        seed: shuffle seed.
        drop_remainder: drop the last partial batch.
        cache: keep the examples in memory after the first epoch.

    Example:

    ```python
    import tensorflow_datasets as tfds
    import keras_gen as kg

    with tfds.testing.mock_data(num_examples=8):  # no download in this example
        ds = kg.datasets.load("fashion_mnist", batch_size=4)
        next(iter(ds)).shape  # (4, 28, 28, 1)
    ```
    """
    tf = pipeline.tensorflow()
    tfds = _tfds()
    builder = _builder(name, data_dir)
    image_key, label_key = image_features(builder)
    if labels and label_key is None:
        raise ValueError(
            f"Dataset {name!r} has no class label feature; use labels=False."
        )
    dataset = tfds.load(name, split=split, data_dir=data_dir)

    def select(example):
        image = example[image_key]
        if image_size is not None:
            image = tf.image.resize(image, image_size)  # float32, still 0-255
        return (image, tf.cast(example[label_key], tf.int32)) if labels else image

    dataset = dataset.map(select, num_parallel_calls=tf.data.AUTOTUNE)
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
