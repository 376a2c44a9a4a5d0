"""The base class shared by every keras_gen model."""

import inspect

import keras

from keras_gen import validation
from keras_gen.callbacks import TerminateOnNonFinite

SEED_STATE_KEY = "seed_generator_state"

CONVOLUTIONS = (
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
    keras.layers.DepthwiseConv2D,
    keras.layers.SeparableConv2D,
)


def _all_layers(layer):
    """Every layer nested in `layer`, through sub-models' `.layers`."""
    for child in getattr(layer, "layers", []):
        yield child
        yield from _all_layers(child)


class GenerativeModel(keras.Model):
    """A `keras.Model` that generates images; the base of GAN and VAE.

    It owns what every generative model here shares:

    - `seed_generator`, the `keras.random.SeedGenerator` all in-graph
      randomness of the train step draws from. Its state is saved with the
      model (Keras does not save seed generators by itself), so a reloaded
      model continues the same random stream.
    - Input checks: `fit()` checks the first batch (shape, dtype, value range;
      labels for conditional models) through the `check_batch` hook, and the
      train step checks static shapes while it is traced.
    - A guard that stops `fit()` with an error when a loss becomes NaN or
      infinite (`kg.callbacks.TerminateOnNonFinite`).

    Subclasses set `image_shape` and `value_range`, and may override
    `unpack_batch` and `check_batch`.

    Args:
        seed: optional int seeding `seed_generator`.
        **kwargs: passed to `keras.Model` (`name`, `dtype`, ...).

    Example:

    ```python
    import keras_gen as kg

    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=8)
    isinstance(model, kg.models.GenerativeModel)  # True
    ```
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.image_shape = None
        self.value_range = (-1.0, 1.0)

    def __setattr__(self, name, value):
        if name == "_jax_state":
            # Keras' JAX `fit()` stores the whole train state here after every
            # step, for callbacks that need to sync it. Tracking it (wrapping
            # each list, checking each array) costs about a tenth of a small
            # model's step and finds nothing: it holds arrays, not Variables.
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    # --- Hooks --------------------------------------------------------------

    def unpack_batch(self, data):
        """Splits one batch from the dataset into `(images, condition)`.

        The default reads `images`, `(images,)` or `(images, labels)` and
        ignores labels: the condition is `None`. Conditional subclasses
        return the labels (or any other conditioning input) as `condition`.
        Works on tensors inside the train step and on numpy data in `fit()`.
        """
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return images, None

    def check_batch(self, images, condition):
        """Raises `ValueError` if a (numpy) batch does not suit the model.

        Called by `fit()` on the first batch. The default checks the image
        shape, dtype and value range; conditional subclasses also check the
        condition.
        """
        self.check_image_shape(images)
        validation.check_image_values(images, self.value_range, type(self).__name__)

    # --- Training -----------------------------------------------------------

    def default_jit_compile(self):
        """The `jit_compile` used when `compile()` is not given one.

        Measured with `benchmarks/throughput.py` on CPU: XLA speeds up dense
        networks but slows convolutional ones down. So on TensorFlow without
        a GPU and outside `tf.distribute`, it is `True` for models without
        convolutions and `False` for models with them; everywhere else it is
        Keras' `"auto"` (XLA on GPU and on JAX).
        """
        if keras.backend.backend() != "tensorflow":
            return "auto"
        import tensorflow as tf

        # Keras' own test (layers' `supports_jit`, TF op determinism), which
        # it has no public name for.
        from keras.src.trainers.trainer import model_supports_jit

        if (
            tf.config.list_logical_devices("GPU")
            or tf.distribute.has_strategy()
            or not model_supports_jit(self)
        ):
            return "auto"
        return not any(isinstance(layer, CONVOLUTIONS) for layer in _all_layers(self))

    def check_image_shape(self, images):
        """Raises `ValueError` unless `images` (numpy or a traced tensor) fit the model.

        Only static dimensions are checked, so it also runs while a train step
        is traced.
        """
        validation.check_image_shape(
            images.shape, self.image_shape, type(self).__name__
        )

    def fit(self, *args, **kwargs):
        """Trains the model; arguments as for `keras.Model.fit`.

        Before training, the first batch is checked (see `check_batch`), and
        a `TerminateOnNonFinite` callback is added unless one was passed;
        either way it runs before the other callbacks.
        """
        arguments = (
            inspect.signature(keras.Model.fit).bind(self, *args, **kwargs).arguments
        )
        arguments.pop("self")
        batch = validation.first_batch(arguments.get("x"), arguments.get("y"))
        if batch is not None:
            images, condition = self.unpack_batch(batch)
            self.check_batch(images, condition)
        callbacks = list(arguments.get("callbacks") or [])
        guards = [c for c in callbacks if isinstance(c, TerminateOnNonFinite)]
        # The guard goes first, so that a non-finite loss raises before any
        # other callback's `on_epoch_end` (a checkpoint) sees broken weights.
        arguments["callbacks"] = (guards or [TerminateOnNonFinite()]) + [
            c for c in callbacks if not isinstance(c, TerminateOnNonFinite)
        ]
        if "shuffle" not in arguments and validation.is_batched_dataset(
            arguments.get("x")
        ):
            # Keras ignores `shuffle` for datasets but warns about its default.
            arguments["shuffle"] = False
        return super().fit(**arguments)

    # --- Saving -------------------------------------------------------------

    def export_generator(self, path, verbose=False):
        """Writes the generator as a TensorFlow SavedModel for serving.

        See `keras_gen.export` for the signatures. Returns the path written.
        """
        from keras_gen.export import export_generator

        return export_generator(self, path, verbose=verbose)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[SEED_STATE_KEY] = self.seed_generator.state

    def load_own_variables(self, store):
        entries = {key: store[key] for key in store.keys()}
        seed_state = entries.pop(SEED_STATE_KEY, None)
        super().load_own_variables(entries)
        if seed_state is not None:
            self.seed_generator.state.assign(seed_state)

    #: Constructor arguments that hold networks; `get_config` serializes them
    #: and `from_config` deserializes them.
    network_arguments = ()

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        for name in self.network_arguments:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in cls.network_arguments:
            if isinstance(config.get(name), dict):
                config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)
