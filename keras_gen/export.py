"""Export a trained generator as a TensorFlow SavedModel for serving.

The SavedModel is written with Keras' `keras.export.ExportArchive` and needs
neither Keras nor keras_gen to run: TensorFlow Serving, a plain TensorFlow
runtime or `tf.saved_model.load` can call it.

Signatures of a GAN (`GAN`, `DCGAN`, `CGAN` and subclasses):

| signature | inputs | outputs |
| --- | --- | --- |
| `serving_default` | `noise` float32 `[None, latent_dim]` (+ `labels` int32 `[None]`) | `images` float32 `[None, H, W, C]` in the model's range |
| `sample` | `num_images` int32 `[]`, `seed` int64 `[]` (+ `labels` int32 `[None]`) | `images` uint8 `[N, H, W, C]` in [0, 255] |

`sample` draws its noise with `tf.random.stateless_normal(seed=[seed, 0])`,
the same noise `model.generate(num_images, seed=seed)` draws on TensorFlow,
so a seed gives the same images in both places.

Signatures of a `VAE`:

| signature | inputs | outputs |
| --- | --- | --- |
| `serving_default` | `z` float32 `[None, latent_dim]` | `images` float32 `[None, H, W, C]` |
| `encode` | `images` float32 `[None, H, W, C]` | `z_mean`, `z_log_var` float32 `[None, latent_dim]` |

Backends: export runs on TensorFlow and on JAX. On JAX, Keras converts the
networks with jax2tf, and the converted networks are endpoints of their own
(`generator`; a VAE's `decoder` and `encoder`) beside the signatures above.
On PyTorch, save the model, load it with `KERAS_BACKEND=tensorflow` (or
`jax`) and export it there.

The EMA weights of the generator are exported when EMA is on. Requests with
the wrong noise width fail on the signature's shape; labels outside
`[0, num_classes)` and negative `num_images` fail with a message saying so.
"""

import pathlib


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


def _traceable(tf, archive, name, fn, input_signature):
    """`fn` (a model computation), callable from TensorFlow wrapper code.

    On TensorFlow that is `fn` itself. On JAX, Keras converts it with jax2tf
    into a TensorFlow function, registered as the endpoint `name`.
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        return fn
    return archive.add_endpoint(name, fn, input_signature)


def _add_endpoint(tf, archive, name, fn, input_signature):
    """Adds a TensorFlow-code endpoint on any backend (as a traced tf.function)."""
    import keras

    if keras.backend.backend() == "tensorflow":
        archive.add_endpoint(name, fn, input_signature)
        return
    function = tf.function(fn, input_signature=input_signature)
    function.get_concrete_function()
    archive.add_endpoint(name, function)


def _with_shape_check(tf, tensor, shape, name):
    """`tensor`, after checking at run time that its dimensions after the first are `shape`.

    A signature's declared shape is not enforced when a request comes in, so
    without this a wrong width fails deep inside the network.
    """
    expected = tf.constant(shape, tf.int32)
    check = tf.debugging.assert_equal(
        tf.shape(tensor)[1:],
        expected,
        message=f"{name} must have shape [batch, {', '.join(map(str, shape))}]",
    )
    with tf.control_dependencies([check]):
        return tf.identity(tensor)


def _label_checks(tf, labels, num_classes):
    return [
        tf.debugging.assert_non_negative(
            labels, message=f"labels must lie in [0, {num_classes})"
        ),
        tf.debugging.assert_less(
            labels,
            tf.constant(num_classes, tf.int32),
            message=f"labels must lie in [0, {num_classes})",
        ),
    ]


def _add_gan_endpoints(tf, archive, model):
    from keras_gen.models import CGAN

    latent_dim = model.latent_dim
    low, high = model.value_range
    conditional = isinstance(model, CGAN)
    noise_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="noise")
    labels_spec = tf.TensorSpec([None], tf.int32, name="labels")
    count_spec = tf.TensorSpec([], tf.int32, name="num_images")
    seed_spec = tf.TensorSpec([], tf.int64, name="seed")

    if conditional:
        core = _traceable(
            tf,
            archive,
            "generator",
            lambda noise, labels: model((noise, labels), training=False),
            [noise_spec, labels_spec],
        )
    else:
        core = _traceable(
            tf,
            archive,
            "generator",
            lambda noise: model(noise, training=False),
            [noise_spec],
        )

    def generate(noise, labels):
        noise = _with_shape_check(tf, noise, [latent_dim], "noise")
        inputs = noise
        if conditional:
            checks = _label_checks(tf, labels, model.num_classes)
            checks.append(
                tf.debugging.assert_equal(
                    tf.shape(noise)[0],
                    tf.shape(labels)[0],
                    message="give one label per image (as many labels as rows of noise)",
                )
            )
            with tf.control_dependencies(checks):
                return tf.cast(
                    core(tf.identity(noise), tf.identity(labels)), tf.float32
                )
        return tf.cast(core(inputs), tf.float32)

    def sample(num_images, seed, labels):
        check = tf.debugging.assert_non_negative(
            num_images, message="num_images must be >= 0"
        )
        with tf.control_dependencies([check]):
            shape = tf.stack([num_images, latent_dim])
        seed_pair = tf.stack([seed, tf.constant(0, tf.int64)])
        noise = tf.random.stateless_normal(shape, seed=seed_pair)
        images = generate(noise, labels)
        scaled = tf.clip_by_value((images - low) / (high - low), 0.0, 1.0)
        return {"images": tf.cast(tf.round(scaled * 255.0), tf.uint8)}

    if conditional:

        def serve(noise, labels):
            return {"images": generate(noise, labels)}

        def sample_conditional(num_images, seed, labels):
            check = tf.debugging.assert_equal(
                num_images,
                tf.shape(labels)[0],
                message="num_images must equal the number of labels",
            )
            with tf.control_dependencies([check]):
                return sample(tf.identity(num_images), seed, labels)

        _add_endpoint(tf, archive, "serving_default", serve, [noise_spec, labels_spec])
        _add_endpoint(
            tf,
            archive,
            "sample",
            sample_conditional,
            [count_spec, seed_spec, labels_spec],
        )
    else:

        def serve(noise):
            return {"images": generate(noise, None)}

        def sample_unconditional(num_images, seed):
            return sample(num_images, seed, None)

        _add_endpoint(tf, archive, "serving_default", serve, [noise_spec])
        _add_endpoint(
            tf, archive, "sample", sample_unconditional, [count_spec, seed_spec]
        )


def _add_vae_endpoints(tf, archive, model):
    z_spec = tf.TensorSpec([None, model.latent_dim], tf.float32, name="z")
    images_spec = tf.TensorSpec(
        (None,) + tuple(model.image_shape), tf.float32, name="images"
    )

    decoder = _traceable(
        tf,
        archive,
        "decoder",
        lambda z: model.mean_image(model.decoder(z, training=False)),
        [z_spec],
    )
    encoder = _traceable(
        tf,
        archive,
        "encoder",
        lambda images: tuple(model.encoder(images, training=False)),
        [images_spec],
    )

    def decode(z):
        z = _with_shape_check(tf, z, [model.latent_dim], "z")
        return {"images": tf.cast(decoder(z), tf.float32)}

    def encode(images):
        images = _with_shape_check(tf, images, list(model.image_shape), "images")
        z_mean, z_log_var = encoder(images)
        return {
            "z_mean": tf.cast(z_mean, tf.float32),
            "z_log_var": tf.cast(z_log_var, tf.float32),
        }

    _add_endpoint(tf, archive, "serving_default", decode, [z_spec])
    _add_endpoint(tf, archive, "encode", encode, [images_spec])


def export_generator(model, path, verbose=False):
    """Writes `model`'s generator (a VAE's decoder and encoder) as a SavedModel.

    Args:
        model: a trained `GAN`, `DCGAN`, `CGAN` or `VAE` (or a subclass).
        path: folder to write the SavedModel to. For TensorFlow Serving, use
            a numbered version folder, e.g. `exports/dcgan/1`.
        verbose: print the signatures written.

    Returns:
        the path written.

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

    from keras_gen.models import GAN, VAE

    tf = _tf()
    archive = keras.export.ExportArchive()
    archive.track(model)
    if isinstance(model, VAE):
        _add_vae_endpoints(tf, archive, model)
    elif isinstance(model, GAN):
        _add_gan_endpoints(tf, archive, model)
    else:
        raise TypeError(
            f"export_generator() exports keras_gen GANs and VAEs; got {type(model).__name__}."
        )
    path = pathlib.Path(path)
    archive.write_out(str(path), verbose=verbose)
    return path
