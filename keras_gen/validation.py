"""Checks on what users feed the models, with errors that say how to fix it.

Shape checks run on static shapes (also while a train step is being traced);
value checks run on numpy data, on the first batch `fit()` will see.
"""

import numpy as np


def normalise_hint(value_range):
    low, high = value_range
    if (low, high) == (-1.0, 1.0):
        return "scale uint8 images with `x / 127.5 - 1`"
    if (low, high) == (0.0, 1.0):
        return "scale uint8 images with `x / 255`"
    return f"scale uint8 images with `x / 255 * {high - low:g} + {low:g}`"


def check_image_shape(shape, image_shape, model_name, fix=None):
    """Raises `ValueError` unless `shape` is a batch of `image_shape` images.

    Dimensions that are unknown (`None`) in `shape` are not checked.

    Args:
        shape: the batch's shape, `(batch, height, width, channels)`.
        image_shape: the `(height, width, channels)` the model works on.
        model_name: named in the error message.
        fix: what to do about images of another size; the default says to
            resize them or build the model for them.
    """
    shape = tuple(shape)
    image_shape = tuple(image_shape)
    expected = f"(batch, {', '.join(str(d) for d in image_shape)})"
    if len(shape) != len(image_shape) + 1:
        hint = ""
        if len(shape) == len(image_shape) and image_shape[-1] == 1:
            hint = (
                " The channel axis is missing: add it with `x[..., None]` "
                "(numpy) or `tf.expand_dims(x, -1)`."
            )
        elif len(shape) == 2:
            hint = (
                " Flattened images? Reshape them with "
                f"`x.reshape((-1, {', '.join(str(d) for d in image_shape)}))`."
            )
        raise ValueError(
            f"{model_name} expects image batches of shape {expected}, but got "
            f"a batch of rank {len(shape)} with shape {shape}.{hint}"
        )
    for got, want in zip(shape[1:], image_shape):
        if got is not None and want is not None and got != want:
            hint = ""
            if shape[1:3] == image_shape[:2]:
                hint = (
                    f" The channel count differs: the model was built for "
                    f"{image_shape[-1]} channel(s) and the data has "
                    f"{shape[-1]}."
                )
            else:
                hint = " " + (
                    fix
                    or "Resize the images (e.g. `keras.layers.Resizing`) or "
                    "build the model for the data's image shape."
                )
            raise ValueError(
                f"{model_name} expects image batches of shape {expected}, but "
                f"got images of shape {shape[1:]}.{hint}"
            )


def check_image_values(
    images,
    value_range,
    model_name,
    tolerance=1e-3,
    reason="the range its generator produces",
):
    """Raises `ValueError` if images are uint8-like or outside `value_range`.

    Args:
        images: numpy array (or array-like) of images.
        value_range: `(low, high)` the model's outputs span.
        model_name: named in the error message.
        tolerance: how far outside the range values may stray (rounding).
        reason: why the range is required, named in the error message.
    """
    images = np.asarray(images)
    low, high = value_range
    hint = normalise_hint(value_range)
    if images.dtype == np.uint8:
        raise ValueError(
            f"{model_name} works on float images in [{low:g}, {high:g}], but "
            f"got uint8 images: {hint}."
        )
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"{model_name} works on float images in [{low:g}, {high:g}], but "
            f"got images of dtype {images.dtype}: convert them to float32 "
            f"and {hint}."
        )
    if images.size == 0:
        raise ValueError(f"{model_name} got an empty batch of images.")
    if not np.all(np.isfinite(images)):
        raise ValueError(
            f"{model_name} got images containing NaN or infinite values; "
            "clean the data before training."
        )
    found_low, found_high = float(images.min()), float(images.max())
    if found_low < low - tolerance or found_high > high + tolerance:
        if (low, high) == (0.0, 1.0) and found_low < 0:
            hint += "; map [-1, 1] images (tanh outputs) with `(x + 1) / 2`"
        raise ValueError(
            f"{model_name} works on images in [{low:g}, {high:g}] ({reason}), "
            f"but the data spans [{found_low:g}, {found_high:g}]: {hint}."
        )
    if low < 0 <= found_low and found_high > 0:
        raise ValueError(
            f"{model_name} works on images in [{low:g}, {high:g}] ({reason}), "
            f"but no pixel of the data is below 0 (they span [{found_low:g}, "
            f"{found_high:g}]): images scaled to [0, 1] train on half the range. "
            "Map them with `x * 2 - 1` (or scale uint8 images with "
            "`x / 127.5 - 1`)."
        )


def missing_condition(model_name, name):
    """The message for a conditional model given no condition."""
    return (
        f"{model_name} is conditioned on `{name}`, but the data has none: "
        f"pass a dataset yielding `(images, {name})`, call "
        f"`fit(images, {name})`, or pass `{name}` to generate()."
    )


def check_labels(labels, num_classes, num_images, model_name):
    """Raises `ValueError` unless `labels` are integer class ids for the images.

    Args:
        labels: array-like of shape `(num_images,)` or `(num_images, 1)`.
        num_classes: labels must lie in `[0, num_classes)`.
        num_images: how many images the labels belong to.
        model_name: named in the error message.
    """
    if labels is None:
        raise ValueError(missing_condition(model_name, "labels"))
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[-1] == num_classes and num_classes > 1:
        raise ValueError(
            f"{model_name} expects integer class ids of shape (batch,), but "
            f"got one-hot labels of shape {labels.shape}: pass "
            "`labels.argmax(-1)` instead."
        )
    if labels.ndim == 2 and labels.shape[-1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"{model_name} expects integer class ids of shape (batch,), but "
            f"got labels of shape {labels.shape}."
        )
    if labels.shape[0] != num_images:
        raise ValueError(
            f"{model_name} got {labels.shape[0]} labels for {num_images} "
            "images; every image needs exactly one label."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.issubdtype(labels.dtype, np.floating) or not np.all(
            labels == np.round(labels)
        ):
            raise ValueError(
                f"{model_name} expects integer class ids, but got labels of "
                f"dtype {labels.dtype} that are not whole numbers."
            )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{model_name} was built for {num_classes} classes, so labels "
            f"must lie in [0, {num_classes}), but got labels in "
            f"[{labels.min():g}, {labels.max():g}]. Re-map the labels or "
            "build the model with a larger `num_classes`."
        )


def is_tf_dataset(x):
    """Whether `x` is a `tf.data.Dataset` (without importing TensorFlow)."""
    return type(x).__module__.startswith("tensorflow") and hasattr(x, "element_spec")


def is_batched_dataset(x):
    """Whether `x` yields ready batches: a tf.data.Dataset, PyDataset or iterator."""
    import keras

    return (
        is_tf_dataset(x)
        or isinstance(x, keras.utils.PyDataset)
        or hasattr(x, "__next__")
    )


def first_batch(x, y=None):
    """Returns the first batch `fit(x, y)` will train on, as numpy data.

    Reads one element of a `tf.data.Dataset` or `keras.utils.PyDataset`, and
    returns whole arrays as they are (checking all of them costs little).
    Returns `None` for inputs that cannot be read without consuming them
    (Python generators).
    """
    import keras

    if x is None:
        return None
    if is_tf_dataset(x):
        for element in x.take(1):
            return keras.tree.map_structure(np.asarray, element)
        raise ValueError("The training dataset is empty: it yields no batch.")
    if isinstance(x, keras.utils.PyDataset):
        return x[0]
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return x if y is None else (x, y)
    return None


def check_count(value, name, minimum=1):
    """Raises `ValueError` unless `value` is a whole number >= `minimum`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer, float, np.floating))
        or int(value) != value
        or value < minimum
    ):
        raise ValueError(
            f"`{name}` must be a whole number >= {minimum}; got {value!r}."
        )


def check_positive(value, name):
    """Raises `ValueError` unless `value` is a finite number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer, float, np.floating))
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"`{name}` must be a number > 0; got {value!r}.")


def check_condition(condition, spec, value_range, num_images, model_name, name):
    """Raises `ValueError` unless `condition` fits a model's condition spec.

    Args:
        condition: array-like, one condition per image.
        spec: the condition's spec, a `keras.KerasTensor`.
        value_range: the condition's range, `(low, high)` or `None`.
        num_images: how many images the conditions belong to.
        model_name: named in the error message.
        name: the condition's name, named in the message.
    """
    if condition is None:
        raise ValueError(missing_condition(model_name, name))
    condition = np.asarray(condition)
    expected = tuple(spec.shape[1:])
    shown = f"(batch, {', '.join('?' if d is None else str(d) for d in expected)})"
    if condition.ndim != len(expected) + 1 or any(
        want is not None and got != want
        for got, want in zip(condition.shape[1:], expected)
    ):
        raise ValueError(
            f"{model_name} expects `{name}` of shape {shown}, one per image; "
            f"got shape {condition.shape}."
        )
    if condition.shape[0] != num_images:
        raise ValueError(
            f"{model_name} got {condition.shape[0]} `{name}` for {num_images} "
            "images; every image needs exactly one."
        )
    integer = "int" in str(spec.dtype)
    if integer and not np.issubdtype(condition.dtype, np.integer):
        if not np.issubdtype(condition.dtype, np.number) or not np.all(
            condition == np.round(condition)
        ):
            raise ValueError(
                f"{model_name} expects integer `{name}` ({spec.dtype}); got "
                f"values of dtype {condition.dtype} that are not whole numbers."
            )
    if not integer and not np.issubdtype(condition.dtype, np.number):
        raise ValueError(
            f"{model_name} expects numeric `{name}` ({spec.dtype}); got dtype "
            f"{condition.dtype}."
        )
    if condition.size and not np.all(np.isfinite(condition)):
        raise ValueError(f"{model_name} got `{name}` with NaN or infinite values.")
    if value_range is not None and condition.size:
        low, high = value_range
        tolerance = 0 if integer else 1e-3  # rounding of float data
        found_low, found_high = condition.min(), condition.max()
        if found_low < low - tolerance or found_high > high + tolerance:
            raise ValueError(
                f"{model_name} expects `{name}` in [{low:g}, {high:g}], but got "
                f"values in [{found_low:g}, {found_high:g}]."
            )


def check_flag(value, name):
    """Returns `value` if it is a bool; raises `TypeError` naming `name` otherwise."""
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False; got {value!r}.")
    return value


def _whole_numbers(values, count):
    """Whether `values` is a tuple or list of `count` whole numbers >= 1."""
    return (
        isinstance(values, (tuple, list))
        and len(values) == count
        and all(
            not isinstance(d, bool) and isinstance(d, (int, np.integer)) and d >= 1
            for d in values
        )
    )


def check_size(size, name):
    """Raises `ValueError` unless `size` is `(height, width)` of whole numbers >= 1."""
    if not _whole_numbers(size, 2):
        raise ValueError(
            f"`{name}` must be (height, width), two whole numbers >= 1; got {size!r}."
        )


def check_choice(value, name, choices):
    """Raises `ValueError` unless `value` is one of `choices`, naming them."""
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {', '.join(map(repr, choices))}; got {value!r}."
        )


def check_shape(shape, name):
    """Returns `shape` as a tuple; raises `ValueError` unless it is
    `(height, width, channels)` of whole numbers >= 1."""
    if not _whole_numbers(shape, 3):
        raise ValueError(
            f"`{name}` must be (height, width, channels), three whole numbers "
            f">= 1; got {shape!r}."
        )
    return tuple(int(d) for d in shape)


def check_range(value_range, name):
    """Raises `ValueError` unless `value_range` is `(low, high)` with low < high."""
    try:
        low, high = value_range
        ok = float(low) < float(high)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"`{name}` must be (low, high) with low < high, e.g. (-1, 1); got "
            f"{value_range!r}."
        )


def check_keras_file(path):
    """Raises `ValueError` unless `path` is a `.keras` archive (a zip file with
    a `config.json`), naming the file; Keras' own message for a damaged file
    ("File not found") misleads, since the file exists."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except FileNotFoundError:
        raise
    except (OSError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{path} is not a valid .keras model file ({error}): it may be "
            "truncated (an interrupted copy or save) or of another format. "
            "Load a complete file saved with `model.save(...)`."
        ) from None
    if "config.json" not in names:
        raise ValueError(
            f"{path} is a zip archive but not a .keras model file: it has no "
            "config.json. Load a file saved with `model.save(...)`."
        )


def check_writable_folder(path, what):
    """Creates the folder `path` if needed and checks that a file can be
    written in it, raising `OSError` that names `what` writes there and the
    fix. Called when training starts, so that a folder that cannot be written
    is reported then rather than when the first file is due."""
    import os
    import pathlib

    path = pathlib.Path(path)
    probe = path / f".write-check-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise OSError(
            f"{what} cannot write to {path} ({error.strerror or error}). Choose "
            "a folder you can write to, or make this one writable."
        ) from error


def check_network_inputs(network, given, network_name, given_name, fix):
    """Raises `ValueError` when a network built for fixed input shapes (a
    functional `keras.Model`) is handed inputs of other shapes: a network
    that does not fit the one feeding it. `given` is the input structure;
    `None` dimensions match anything. Networks without declared inputs
    (subclassed models) are left to fail in their own call."""
    import keras

    declared = getattr(network, "inputs", None)
    given = keras.tree.flatten(given)
    if not declared or len(declared) != len(given):
        return
    for expected, actual in zip(declared, given):
        want, got = tuple(expected.shape[1:]), tuple(actual.shape[1:])
        fits = len(want) == len(got) and all(
            a is None or b is None or a == b for a, b in zip(want, got)
        )
        if not fits:
            raise ValueError(
                f"The {network_name} takes inputs of shape {want}, but "
                f"{given_name} have shape {got}. {fix}"
            )


def check_scores(scores, network_name):
    """Raises `ValueError` unless a discriminator's output is one score per
    image `(batch, 1)` (or `(batch,)`) or per patch `(batch, h, w, 1)`."""
    shape = tuple(scores.shape)
    if len(shape) <= 1 or shape[-1] in (1, None):
        return
    raise ValueError(
        f"The {network_name} must output one score (logit) per image, shape "
        f"(batch, 1), or per patch, (batch, h, w, 1); it outputs {shape}. End "
        "it with a layer of one unit (`keras.layers.Dense(1)`)."
    )


def check_scalar(value, source):
    """Raises `ValueError` unless the loss that `source` (a method's name)
    returned is a scalar; checked on the static shape, while the train step
    is traced. A loss per example would otherwise be summed by the gradient
    without a word."""
    shape = tuple(getattr(value, "shape", ()))
    if shape == () or all(dimension == 1 for dimension in shape):
        return
    raise ValueError(
        f"{source} must return a scalar loss, but it "
        f"returned a tensor of shape {shape}. Reduce it, e.g. with "
        "`keras.ops.mean(...)`."
    )
