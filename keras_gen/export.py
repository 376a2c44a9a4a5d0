"""Export a trained generator as a TensorFlow SavedModel for serving.

The SavedModel is written with Keras' `keras.export.ExportArchive` and needs
neither Keras nor keras_gen to run: TensorFlow Serving, a plain TensorFlow
runtime or `tf.saved_model.load` can call it.

What it serves comes from the model, not from its class: one signature per
entry of `model.serving_endpoints()`, whose inputs have the names, dtypes and
shapes the model declares. For the models here:

| model | `serving_default` | other signatures |
| --- | --- | --- |
| a GAN (`GAN`, `DCGAN`, subclasses) | `noise` float32 `[None, latent_dim]` → `images` | `sample` |
| a conditional GAN | `noise` and the condition (`labels` int32 `[None]` for a `CGAN`; the name, dtype and shape of the model's `condition`) → `images` | `sample` |
| `VAE` (`CVAE`: and `labels`) | `z` float32 `[None, latent_dim]` → `images` | `encode`: `images` → `z_mean`, `z_log_var`; `sample` |
| `Pix2Pix` | `inputs` float32 `[None, H, W, C_in]` → `images`, the translated inputs | none (no noise) |
| `CycleGAN` | `images_a` float32 `[None, H, W, C_a]` → `images`, their translations into B (also named `a_to_b`) | `b_to_a`: `images_b` → `images` |

`images` are float32 `[None, H, W, C]` in the model's `value_range`, and
equal what `model.generate()` returns for the same inputs.

`sample` takes `num_images` int32 `[]` and `seed` int64 `[]` (and the
condition, one per image) and returns `images` as uint8 `[N, H, W, C]` in
[0, 255]. It draws its noise with `tf.random.stateless_normal(seed=[seed,
0])`, the same noise `model.generate(num_images, seed=seed)` draws on
TensorFlow, so a seed gives the same images in both places.

Requests are checked when they come in: every input's shape after the batch
dimension, one condition per row of noise, condition values inside the
model's `condition.value_range`, and `num_images >= 0`; each failure is an
`InvalidArgumentError` that says what was expected.

Backends: export runs on TensorFlow and on JAX. On JAX, Keras converts the
model's functions with jax2tf, and each converted function is an endpoint of
its own (`generator` for `serving_default`, `<name>_function` for the
others) beside the signatures above. On PyTorch, save the model, load it
with `KERAS_BACKEND=tensorflow` (or `jax`) and export it there.

The EMA weights of a GAN's generator are exported when EMA is on.
"""

import json
import os
import pathlib
import shutil

from keras_gen import validation
from keras_gen.version import __version__

SAMPLE = "sample"
#: The file that marks a folder as an export of keras_gen's.
MARKER = "keras_gen_export.json"


def _tf():
    import keras

    if keras.backend.backend() not in ("tensorflow", "jax"):
        raise NotImplementedError(
            "export_generator() runs on the TensorFlow and JAX backends; on "
            f"{keras.backend.backend()!r}, save the model (`model.save(...)`), "
            "load it with KERAS_BACKEND=tensorflow and export it there."
        )
    import tensorflow as tf

    return tf


def _specs(tf, inputs):
    """`tf.TensorSpec`s named after the keys of `inputs` (`keras.KerasTensor`s)."""
    return [
        tf.TensorSpec(tensor.shape, tf.as_dtype(tensor.dtype), name=name)
        for name, tensor in inputs.items()
    ]


def _traceable(archive, name, function, names, specs):
    """`function` as a callable on positional tensors, for TensorFlow wrapper code.

    On TensorFlow that is the function itself. On JAX, Keras converts it with
    jax2tf into a TensorFlow function, registered as the endpoint `name`.
    """
    import keras

    def positional(*tensors):
        return function(dict(zip(names, tensors)))

    if keras.backend.backend() == "tensorflow":
        return positional
    return archive.add_endpoint(name, positional, specs)


def _add_endpoint(tf, archive, name, function, specs):
    """Adds a TensorFlow-code endpoint on any backend (as a traced tf.function)."""
    import keras

    if keras.backend.backend() == "tensorflow":
        archive.add_endpoint(name, function, specs)
        return
    traced = tf.function(function, input_signature=specs)
    traced.get_concrete_function()
    archive.add_endpoint(name, traced)


def _checks(tf, inputs, tensors, condition_name, condition_range):
    """Run-time checks of a request: shapes, one row of each input per row of
    the first, and the condition's range.

    A signature's declared shape is not enforced when a request comes in, so
    without these a wrong width fails deep inside the network.
    """
    checks = []
    first = next(iter(inputs))
    for (name, spec), tensor in zip(inputs.items(), tensors):
        shape = list(spec.shape[1:])
        if all(d is not None for d in shape):
            checks.append(
                tf.debugging.assert_equal(
                    tf.shape(tensor)[1:],
                    tf.constant(shape, tf.int32),
                    message=f"{name} must have shape [batch, "
                    f"{', '.join(map(str, shape))}]",
                )
            )
        if name != first:
            checks.append(
                tf.debugging.assert_equal(
                    tf.shape(tensor)[0],
                    tf.shape(tensors[0])[0],
                    message=f"give one row of {name} per row of {first}",
                )
            )
        if name == condition_name and condition_range is not None:
            low, high = condition_range
            message = f"{name} must lie in [{low:g}, {high:g}]"
            checks += [
                tf.debugging.assert_greater_equal(
                    tensor, tf.cast(low, tensor.dtype), message=message
                ),
                tf.debugging.assert_less_equal(
                    tensor, tf.cast(high, tensor.dtype), message=message
                ),
            ]
    return checks


def _add_model_endpoint(tf, archive, model, name, function, inputs, core_name):
    """Adds the signature `name`: checks, then `function`, outputs as float32."""
    names = list(inputs)
    specs = _specs(tf, inputs)
    core = _traceable(archive, core_name, function, names, specs)
    condition_name = condition_range = None
    if model.condition is not None:
        condition_name = model.condition.name
        condition_range = model.condition.value_range

    def serve(*tensors):
        checks = _checks(tf, inputs, tensors, condition_name, condition_range)
        with tf.control_dependencies(checks):
            tensors = [tf.identity(t) for t in tensors]
        outputs = core(*tensors)
        return {
            key: tf.cast(value, tf.float32) if value.dtype.is_floating else value
            for key, value in outputs.items()
        }

    _add_endpoint(tf, archive, name, serve, specs)
    return serve


def _add_sample_endpoint(tf, archive, model, serve, inputs):
    """`sample(num_images, seed[, condition])`: images as uint8 from seeded noise."""
    low, high = model.value_range
    noise_spec = inputs[model.noise_name]
    others = {k: v for k, v in inputs.items() if k != model.noise_name}
    specs = [
        tf.TensorSpec([], tf.int32, name="num_images"),
        tf.TensorSpec([], tf.int64, name="seed"),
    ] + _specs(tf, others)

    def sample(num_images, seed, *conditions):
        checks = [
            tf.debugging.assert_non_negative(
                num_images, message="num_images must be >= 0"
            )
        ]
        for name, tensor in zip(others, conditions):
            checks.append(
                tf.debugging.assert_equal(
                    num_images,
                    tf.shape(tensor)[0],
                    message=f"num_images must equal the number of {name}",
                )
            )
        with tf.control_dependencies(checks):
            shape = tf.concat(
                [[num_images], tf.constant(noise_spec.shape[1:], tf.int32)], 0
            )
        noise = tf.random.stateless_normal(
            shape, seed=tf.stack([seed, tf.constant(0, tf.int64)])
        )
        tensors = dict(zip(others, conditions))
        tensors[model.noise_name] = noise
        images = serve(*(tensors[name] for name in inputs))["images"]
        scaled = tf.clip_by_value((images - low) / (high - low), 0.0, 1.0)
        return {"images": tf.cast(tf.round(scaled * 255.0), tf.uint8)}

    _add_endpoint(tf, archive, SAMPLE, sample, specs)


def _is_our_export(path):
    """Whether the folder `path` holds a SavedModel this module wrote."""
    return (path / MARKER).is_file() and (path / "saved_model.pb").is_file()


def _check_target(path, overwrite):
    """Raises `FileExistsError` unless writing to `path` loses nothing of the user's."""
    if overwrite or not path.exists():
        return
    if not path.is_dir():
        raise FileExistsError(
            f"{path} is an existing file; export_generator() writes a SavedModel "
            "folder there. Choose another path, or pass overwrite=True to "
            "replace the file."
        )
    if any(path.iterdir()) and not _is_our_export(path):
        raise FileExistsError(
            f"{path} is a folder that already holds files and no keras_gen "
            "export; writing the SavedModel in among them could overwrite "
            "them. Choose an empty or new folder (for TensorFlow Serving a "
            "new version number, e.g. .../2), or pass overwrite=True to "
            "replace the folder."
        )


def _move_into_place(written, path):
    """Renames the finished export `written` to `path`, replacing what was there
    only once the new one is complete."""
    old = None
    if path.exists() or path.is_symlink():
        old = path.with_name(f".{path.name}.replaced-{os.getpid()}")
        os.replace(path, old)
    os.replace(written, path)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


def export_generator(model, path, verbose=False, overwrite=False):
    """Writes what `model` serves as a TensorFlow SavedModel.

    The signatures are the model's `serving_endpoints()` (see the table in
    this module's documentation), plus `sample` for a model whose
    `serving_default` takes noise. Any `kg.models.GenerativeModel`, a user's
    own subclass included, can be exported.

    Nothing of the user's is overwritten: an existing file, or a non-empty
    folder that is not an export of keras_gen's, is refused unless
    `overwrite=True`. The SavedModel is written to a temporary folder beside
    `path` and renamed into place when complete, so a crash never leaves a
    half-written export where a previous one was.

    Args:
        model: a trained keras_gen model.
        path: folder to write the SavedModel to. For TensorFlow Serving, use
            a numbered version folder, e.g. `exports/dcgan/1`. A previous
            keras_gen export there is replaced.
        verbose: print the signatures written. Default False.
        overwrite: replace whatever is at `path`. Default False.

    Returns:
        the path written, as a `pathlib.Path`.

    Example:

    ```python
    import os, tempfile
    import numpy as np
    import tensorflow as tf
    import keras_gen as kg

    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    path = kg.export.export_generator(dcgan, os.path.join(tempfile.mkdtemp(), "1"))
    served = tf.saved_model.load(str(path))
    served.signatures["sample"](num_images=tf.constant(2), seed=tf.constant(7, tf.int64))
    # {'images': <tf.Tensor: shape=(2, 28, 28, 1), dtype=uint8, ...>}
    ```
    """
    import keras

    validation.check_flag(overwrite, "overwrite")
    tf = _tf()
    if not callable(getattr(model, "serving_endpoints", None)):
        raise TypeError(
            "export_generator() exports models that declare what they serve "
            "(`serving_endpoints()`, as every kg.models.GenerativeModel does); "
            f"got {type(model).__name__}."
        )
    archive = keras.export.ExportArchive()
    archive.track(model)
    for index, (name, (function, inputs)) in enumerate(
        model.serving_endpoints().items()
    ):
        core_name = "generator" if index == 0 else f"{name}_function"
        serve = _add_model_endpoint(
            tf, archive, model, name, function, inputs, core_name
        )
        if index == 0 and model.noise_name in inputs:
            _add_sample_endpoint(tf, archive, model, serve, inputs)
    path = pathlib.Path(path)
    _check_target(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(f".{path.name}.writing-{os.getpid()}")
    if written.exists():
        shutil.rmtree(written)
    try:
        archive.write_out(str(written), verbose=verbose)
        (written / MARKER).write_text(
            json.dumps({"keras_gen": __version__, "model": type(model).__name__}) + "\n"
        )
        _move_into_place(written, path)
    finally:
        if written.exists():
            shutil.rmtree(written)
    return path
