"""The tf.data pipeline every keras_gen dataset goes through."""

from keras_gen import validation

DEFAULT_SHUFFLE_BUFFER = 10_000
#: Images (or pairs) per batch of every reader, unless told: the DCGAN
#: paper's, and what the MNIST presets were tuned with.
DEFAULT_BATCH_SIZE = 128


def tensorflow():
    """TensorFlow, imported when a pipeline is built rather than with the package.

    `kg.datasets` imports without it, so that the numpy readers (and the
    MNIST test split that `kg.evaluation` scores against) work on a JAX or
    PyTorch machine where TensorFlow is not installed.
    """
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            "keras_gen's dataset loaders build tf.data pipelines and need "
            "TensorFlow: `pip install tensorflow`. Without it, pass numpy "
            "arrays (or any iterable of batches) to fit() instead."
        ) from error
    return tf


def scale(images, input_range, value_range):
    """Maps images from `input_range` to `value_range` as float32 (tf ops)."""
    in_low, in_high = input_range
    low, high = value_range
    tf = tensorflow()
    images = tf.cast(images, tf.float32)
    return (images - in_low) * ((high - low) / (in_high - in_low)) + low


def finish(
    dataset,
    batch_size,
    input_range,
    value_range,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    cache=True,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
    image_size=None,
    binarize=False,
    image_components=1,
):
    """Caches, shuffles, batches, scales and prefetches a dataset of examples.

    Examples are `image`, `(image, label)` or, for image-to-image data,
    `(input, target)`; images are kept in their stored dtype (uint8 for most
    data) until after batching, so the cache stays small and scaling runs
    once per batch.

    Args:
        dataset: unbatched `tf.data.Dataset`.
        batch_size: images per batch.
        input_range: `(low, high)` of the stored pixel values, e.g. `(0, 255)`.
        value_range: `(low, high)` the images are scaled to.
        shuffle: shuffle the examples each epoch.
        seed: shuffle seed, for a reproducible order.
        drop_remainder: drop the last partial batch (GANs want equal batches).
        cache: keep the examples in memory after the first epoch.
        shuffle_buffer: examples held by the shuffle buffer.
        image_size: optional `(height, width)` to resize each batch to
            (bilinear), e.g. `(64, 64)` for MNIST at the DCGAN paper's size.
        binarize: replace each pixel by a Bernoulli draw with its intensity
            as the probability, afresh every epoch ("dynamic binarisation",
            the usual training data of a Bernoulli VAE). Needs
            `value_range=(0, 1)`.
        image_components: how many leading components of an example are
            images to scale (and resize): 1, or 2 for `(input, target)` pairs.
    """
    validation.check_count(batch_size, "batch_size")
    if image_size is not None:
        validation.check_size(image_size, "image_size")
    validation.check_range(value_range, "value_range")
    if binarize and tuple(value_range) != (0.0, 1.0):
        raise ValueError(
            f"binarize=True draws pixels as probabilities and needs "
            f"value_range=(0, 1); got {value_range}."
        )
    tf = tensorflow()
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(
            shuffle_buffer, seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    def scale_images(images):
        images = scale(images, input_range, value_range)
        if image_size is not None:
            images = tf.image.resize(images, image_size)
            # Bilinear resizing stays within the input range up to rounding.
            images = tf.clip_by_value(images, *sorted(value_range))
        return images

    def scale_batch(*example):
        scaled = tuple(scale_images(x) for x in example[:image_components])
        example = scaled + tuple(example[image_components:])
        return example[0] if len(example) == 1 else example

    dataset = dataset.map(scale_batch, num_parallel_calls=tf.data.AUTOTUNE)
    if binarize:
        dataset = _binarized(dataset, seed)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _binarized(dataset, seed):
    """Each pixel becomes 1 with its value as the probability, new every epoch.

    A per-batch seed pair comes from `Dataset.random`, which draws a new
    sequence on every iteration (every epoch of `fit()`).
    """
    tf = tensorflow()
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

    def draw(example, seed_pair):
        images = example[0] if isinstance(example, tuple) else example
        uniform = tf.random.stateless_uniform(tf.shape(images), seed=seed_pair)
        images = tf.cast(uniform < images, tf.float32)
        return (images,) + tuple(example[1:]) if isinstance(example, tuple) else images

    return tf.data.Dataset.zip((dataset, seeds)).map(
        draw, num_parallel_calls=tf.data.AUTOTUNE
    )


def skip_iterations(dataset, count):
    """Moves a `tf.data.Dataset`'s per-iteration randomness on by `count`.

    Each iteration of a dataset draws a new order from its shuffle's seed
    (`reshuffle_each_iteration=True`, as in `finish`) and new numbers from
    `Dataset.random(rerandomize_each_iteration=True)`. Starting an iteration
    draws them; nothing is read. So starting `count` iterations and dropping
    them gives a new process the orders an uninterrupted one has after
    `count` iterations: what resuming at a later epoch needs
    (`kg.callbacks.Checkpoint`).
    """
    for _ in range(int(count)):
        iterator = iter(dataset)
        del iterator
