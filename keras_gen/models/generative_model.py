"""The base class shared by every keras_gen model."""

import inspect

import keras
import numpy as np
from keras import ops

from keras_gen import data_check, validation
from keras_gen.non_finite import TerminateOnNonFinite

SEED_STATE_KEY = "seed_generator_state"
NETWORK_SEED_STATE_KEY = "network_seed_state"

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


def _repeat_to(array, count):
    """The first `count` rows of `array`, cycling through it if it is shorter."""
    return np.take(array, np.arange(count) % len(array), axis=0)


def _truncated_normal(shape, bound, seed):
    """Standard normal draws restricted to `[-bound, bound]`, by redrawing
    the values outside (numpy's generator: `seed=None` gives fresh ones)."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape).astype("float32")
    outside = np.abs(values) > bound
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > bound
    return values


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
      model, and so are those of the networks' random layers (`Dropout`):
      Keras does not save seed generators by itself, and a reloaded model
      continues the same random streams.
    - Input checks: `fit()` checks the first batch (shape, dtype, value range;
      the condition of conditional models) through the `check_batch` hook;
      every train and test step checks its batch's range in the graph
      (`check_batch_in_graph`, `kg.data_check`) unless
      `compile(check_data=False)`, and static shapes while it is traced.
    - A guard that stops `fit()` with an error when a loss becomes NaN or
      infinite (`kg.callbacks.TerminateOnNonFinite`).
    - The methods the tools call (callbacks, export, evaluation, the CLI):
      they ask the model, never its class. A model describes its condition
      (`condition_spec`, `condition_range`, `condition_name`), generates
      (`generate_images`, `generate`), says what its conditions for samples
      are (`sample_conditions`, `conditions_for`, `class_labels`), what a
      grid shows (`grid_inputs`, `grid_images`), what an export serves
      (`serving_endpoints`) and what it reports on held-out data
      (`heldout_metrics`). `docs/concepts.md` has the table of every hook
      and the tool that calls it.

    Subclasses set `image_shape`, `latent_dim` and `value_range`, and
    implement `generate_images`.

    Args:
        seed: optional int seeding `seed_generator`. Default `None`.
        **kwargs: passed to `keras.Model` (`name`, `dtype`, ...).

    Example:

    ```python
    import keras_gen as kg

    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=8)
    isinstance(model, kg.models.GenerativeModel)  # True
    model.condition_spec() is None                # unconditional
    model.generate(4, seed=0).shape               # (4, 28, 28, 1)
    ```
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.image_shape = None
        self.value_range = (-1.0, 1.0)
        object.__setattr__(self, "_example_batch", None)
        # === Per-batch data check (see keras_gen.data_check) ===
        self.check_data = True
        self.data_check_tracker = data_check.DataCheck()

    def __setattr__(self, name, value):
        if name == "_jax_state":
            # Keras' JAX `fit()` stores the whole train state here after every
            # step, for callbacks that need to sync it. Tracking it (wrapping
            # each list, checking each array) costs about a tenth of a small
            # model's step and finds nothing: it holds arrays, not Variables.
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    # --- Conditioning hooks -------------------------------------------------
    #
    # A conditional model describes its condition with `condition_spec()`,
    # `condition_range()` and `condition_name`; the tools (grids, export,
    # evaluation, the CLI) read these and never the model's class.

    #: Name of the condition in exports (`serving_default`'s input) and in
    #: error messages.
    condition_name = "condition"

    #: Name of the noise (latent) input of exports.
    noise_name = "noise"

    def condition_spec(self):
        """A `keras.KerasTensor` for one batch of conditions, or `None`.

        `None` (the default) means the model is unconditional. Its shape
        (batch dimension `None`) and dtype are what the networks are built
        for, what `check_condition` checks and what an export's
        `serving_default` takes as its `condition_name` input.
        """
        return None

    def condition_range(self):
        """`(low, high)`, the inclusive range of condition values, or `None`.

        An integer condition of one value per image with a range is a class
        label: the model then draws its own conditions (`sample_conditions`,
        one class per grid row) and evaluation scores label accuracy
        (`class_labels`). Exports refuse values outside the range. The default
        is `None`: any value.
        """
        return None

    def unpack_batch(self, data):
        """Splits one batch from the dataset into `(images, condition)`.

        The default reads `images`, `(images,)` or `(images, y)`: `y` is the
        condition of a conditional model and is ignored by an unconditional
        one (a labelled dataset trains it unchanged). Override it when the
        batches hold something else (e.g. `(inputs, targets)`). Works on
        tensors inside the train step and on numpy data in `fit()`.
        """
        images, condition, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.condition_spec() is None:
            return images, None
        return images, condition

    def check_condition(self, condition, num_images):
        """Raises `ValueError` unless numpy `condition` suits `num_images` images.

        The default checks the condition against `condition_spec()` (shape,
        dtype) and `condition_range()`, and that an unconditional model gets
        none. Called by `check_batch` and by `generate()`.
        """
        model_name = type(self).__name__
        spec = self.condition_spec()
        if spec is None:
            if condition is not None:
                raise ValueError(
                    f"{model_name} is unconditional, but was given a condition; "
                    "leave it out."
                )
            return
        validation.check_condition(
            condition,
            spec,
            self.condition_range(),
            num_images,
            model_name,
            self.condition_name,
            classes=self._classes(),
        )

    def check_batch(self, images, condition):
        """Raises `ValueError` if a (numpy) batch does not suit the model.

        Called by `fit()` on the first batch. The default checks the image
        shape, dtype and value range, and the condition (`check_condition`).
        """
        self.check_image_shape(images)
        validation.check_image_values(images, self.value_range, type(self).__name__)
        self.check_condition(condition, len(images))

    def _classes(self):
        """`(low, high)` when the condition is a class label, else `None`."""
        spec, value_range = self.condition_spec(), self.condition_range()
        if spec is None or value_range is None:
            return None
        integer = "int" in str(spec.dtype)
        one_per_image = all(d == 1 for d in spec.shape[1:])
        return tuple(int(v) for v in value_range) if integer and one_per_image else None

    def sample_conditions(self, num_images, seed=None):
        """Conditions for `num_images` samples that the model draws itself.

        Returns a numpy array with one condition per image, or `None` when
        the model has none to draw: it is unconditional, or its condition is
        data (a vector, an image) that only a dataset provides; tools then
        use the conditions of real examples (`example_batch`). The default
        draws class labels (see `condition_range`) in blocks, every class
        equally often to within one, in order: a grid shows one class per
        row. Override it to draw other conditions (`seed` makes random ones
        reproducible).
        """
        classes = self._classes()
        if classes is None:
            return None
        low, high = classes
        per_class = -(-int(num_images) // (high - low + 1))
        labels = np.repeat(np.arange(low, high + 1), per_class)[: int(num_images)]
        return labels.reshape((-1,) + (1,) * (len(self.condition_spec().shape) - 1))

    def class_labels(self, condition):
        """The class ids a batch of conditions asks for, or `None`.

        Evaluation scores a conditional model's label accuracy with them. The
        default returns the condition itself when it is a class label (see
        `condition_range`), else `None`.
        """
        if condition is None or self._classes() is None:
            return None
        return np.asarray(condition).reshape(-1).astype("int32")

    def conditions_for(self, num_images, seed=None, examples=None):
        """Conditions for `num_images` samples, for tools that show or score samples.

        The model's own (`sample_conditions`) where it draws them, else the
        conditions of real examples, repeated in turn to `num_images`;
        `None` for an unconditional model.

        Args:
            num_images: how many conditions.
            seed: passed to `sample_conditions`.
            examples: `(images, condition)` of real examples; default
                `example_batch`.

        Raises:
            ValueError: the model cannot draw its own conditions and no real
                examples are known.
        """
        if self.condition_spec() is None:
            return None
        condition = self.sample_conditions(num_images, seed)
        if condition is not None:
            return np.asarray(condition)
        examples = examples if examples is not None else self.example_batch
        if examples is None or examples[1] is None:
            raise ValueError(
                f"{type(self).__name__} cannot draw its own "
                f"`{self.condition_name}`, and no real examples are known: "
                "fit() keeps those of its first batch, or pass them "
                "(`examples=` to ImageGrid, `conditions=` to evaluate())."
            )
        return _repeat_to(np.asarray(examples[1]), int(num_images))

    @property
    def example_batch(self):
        """`(images, condition)`: real training examples, as numpy, or `None`.

        `fit()` keeps up to 256 examples of the first batch it trains on, so
        that tools can show real data: `ImageGrid` takes the conditions of a
        model that cannot draw its own (`sample_conditions`) and a VAE's
        originals from here.
        """
        return self._example_batch

    def _keep_examples(self, images, condition, count=256):
        def head(array):
            return np.asarray(array)[:count]

        condition = (
            None if condition is None else keras.tree.map_structure(head, condition)
        )
        object.__setattr__(self, "_example_batch", (head(images), condition))

    # --- Training -----------------------------------------------------------

    def default_jit_compile(self):
        """The `jit_compile` used when `compile()` is not given one.

        On TensorFlow without a GPU and outside `tf.distribute`, it is `True`
        for models without convolutions and `False` for models with them, as
        XLA speeds up dense networks on CPUs and slows convolutional ones
        down (`docs/benchmarks.md`); everywhere else it is Keras' `"auto"`
        (XLA on GPU and on JAX).
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

    def check_batch_in_graph(self, images, condition):
        """Records in-graph findings on a batch (`keras_gen.data_check`).

        Called by the train and test steps on every batch unless
        `compile(check_data=False)`: the image range, and a condition with a
        `condition_range()`. `fit()` stops on the first bad batch with a
        `BadBatchError` naming it.
        """
        if not self.check_data:
            return
        findings, statistics = data_check.batch_findings(
            images, condition, self.value_range, self.condition_range()
        )
        self.data_check_tracker.update_state(findings, statistics)

    def evaluate(self, *args, **kwargs):
        """As `keras.Model.evaluate`; raises `BadBatchError` on a batch the
        data check flags."""
        return_dict = kwargs.pop("return_dict", False)
        logs = super().evaluate(*args, return_dict=True, **kwargs)
        values = logs.pop(data_check.LOG_KEY, None)
        problem = None if values is None else data_check.describe(list(values), self)
        if problem:
            raise data_check.BadBatchError(
                f"A batch of the evaluation data does not suit the model: {problem}"
            )
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

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

        Before training, the first batch is checked (see `check_batch`) and
        kept as `example_batch`, and a `TerminateOnNonFinite` callback is added unless one was passed;
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
            self._keep_examples(images, condition)
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

    # --- Generation (what the tools call) ----------------------------------

    def generate_images(self, noise, condition=None, use_ema=True):
        """Images from a batch of noise (and conditions), as a tensor.

        The traceable core of `generate()` and of exports: `keras.ops` only,
        no numpy. Subclasses implement it (a GAN calls its generator, a VAE
        decodes).

        Args:
            noise: `(batch, latent_dim)` tensor.
            condition: a batch of conditions, or `None` for an unconditional
                model.
            use_ema: use the moving average of the weights where the model
                keeps one (a GAN's `ema`); models without one ignore it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate_images(noise, "
            "condition, use_ema) to generate images."
        )

    def generate(
        self,
        num_images=None,
        seed=None,
        *,
        noise=None,
        condition=None,
        batch_size=256,
        use_ema=True,
        truncation=None,
    ):
        """Generates images as a numpy array in `value_range`.

        Sampling here does not touch the training `seed_generator`, so
        calling it during training leaves training reproducible. A
        conditional model given no `condition` draws its own
        (`sample_conditions`) where it can.

        `truncation` is the truncation trick (Brock et al., 2019, "Large Scale
        GAN Training for High Fidelity Natural Image Synthesis"): every noise
        coordinate is drawn from the standard normal restricted to
        `[-truncation, truncation]`. It is meant to trade the samples'
        diversity (recall) for their typicality (precision); how much of
        either a model gains or loses is for `kg.evaluation.evaluate(...,
        truncation=...)` to measure.

        Args:
            num_images: how many images; inferred from `noise` or `condition`
                when omitted.
            seed: int for reproducible noise; `None` for fresh noise.
            noise: optional `(num_images, latent_dim)` noise to use instead of
                drawing it.
            condition: optional conditions, one per image (see
                `condition_spec`).
            batch_size: images generated per forward pass.
            use_ema: as for `generate_images`; `True` (default) samples from
                the averaged weights where the model keeps them.
            truncation: `None` (default) for the normal noise the model was
                trained on, or a positive float: the bound on each drawn
                noise coordinate's magnitude. Only for noise drawn here.

        Returns:
            numpy array `(num_images, H, W, C)`.

        Example:

        ```python
        import keras_gen as kg

        dcgan = kg.DCGAN(image_shape=(28, 28, 1))
        images = dcgan.generate(16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
        typical = dcgan.generate(16, seed=0, truncation=1.0)
        ```
        """
        model_name = type(self).__name__
        validation.check_count(batch_size, "batch_size")
        if truncation is not None:
            if noise is not None:
                raise ValueError(
                    "`truncation` bounds the noise generate() draws; with your "
                    "own `noise`, clip or redraw it yourself and leave "
                    "`truncation=None`."
                )
            validation.check_positive(truncation, "truncation")
        if noise is None:
            if num_images is None:
                if condition is None:
                    raise ValueError(
                        f"{model_name}.generate() needs `num_images`, `noise` "
                        f"or `{self.condition_name}` to know how many images "
                        "to make."
                    )
                num_images = len(condition)
            validation.check_count(num_images, "num_images", minimum=0)
            shape = (int(num_images), self.latent_dim)
            if truncation is None:
                noise = keras.random.normal(shape, seed=seed)
            else:
                noise = _truncated_normal(shape, float(truncation), seed)
        noise = ops.convert_to_numpy(noise).astype("float32")
        if noise.ndim != 2 or noise.shape[1] != self.latent_dim:
            raise ValueError(
                f"`noise` must have shape (num_images, {self.latent_dim}); got "
                f"{noise.shape}."
            )
        if num_images is not None and len(noise) != num_images:
            raise ValueError(
                f"Got {len(noise)} noise vectors for num_images={num_images}."
            )
        if condition is None and self.condition_spec() is not None:
            condition = self.sample_conditions(len(noise), seed)
            if condition is None:
                raise ValueError(
                    f"{model_name} is conditioned on `{self.condition_name}` "
                    "and cannot draw its own: pass `condition=`, one per image."
                )
        if condition is not None:
            condition = np.asarray(condition)
            self.check_condition(condition, len(noise))
        batches = []
        for start in range(0, len(noise), batch_size):
            stop = start + batch_size
            images = self.generate_images(
                noise[start:stop],
                None if condition is None else condition[start:stop],
                use_ema=use_ema,
            )
            batches.append(ops.convert_to_numpy(images))
        if not batches:
            return np.zeros((0,) + tuple(self.image_shape), dtype="float32")
        return np.concatenate(batches)

    # --- Sample grids (what `kg.callbacks.ImageGrid` shows) -----------------

    def grid_inputs(self, num_images, seed=0, examples=None):
        """The fixed inputs of a sample grid, as a dict of numpy arrays.

        `ImageGrid` saves them once beside its grids and renders every grid
        from them with `grid_images`, so grids stay comparable across epochs
        and resumed runs. The default holds `noise` and, for a conditional
        model, `condition`: the model's own (`sample_conditions`, one class
        per row: about `num_images` rounded up to whole rows), else the
        conditions of the first real examples.

        Args:
            num_images: about how many samples the grid shows.
            seed: seed of the noise (and of drawn conditions).
            examples: `(images, condition)` of real examples; default
                `example_batch`.
        """
        inputs = {}
        count = int(num_images)
        classes = self._classes()
        if classes is not None:  # whole rows, one per class
            rows = classes[1] - classes[0] + 1
            count = -(-count // rows) * rows
        condition = self.conditions_for(count, seed, examples)
        if condition is not None:
            inputs["condition"] = condition
        rng = np.random.default_rng(seed)
        inputs["noise"] = rng.standard_normal((count, self.latent_dim)).astype(
            "float32"
        )
        return inputs

    def grid_images(self, inputs):
        """The images of a grid from `grid_inputs`, and its number of columns.

        Returns:
            `(images, columns)`: images in `value_range`, row after row;
            `columns` is `None` for a square grid. The default generates from
            the fixed noise and conditions; with class labels, each row shows
            one class.
        """
        condition = inputs.get("condition")
        images = self.generate(noise=inputs["noise"], condition=condition)
        labels = self.class_labels(condition)
        columns = None
        if labels is not None:
            columns = int(np.unique(labels, return_counts=True)[1].max())
        return images, columns

    def check_grid_inputs(self, inputs, source):
        """Raises `ValueError` unless saved grid `inputs` fit this model."""
        noise = inputs.get("noise")
        if noise is None or noise.ndim != 2 or noise.shape[1] != self.latent_dim:
            width = None if noise is None else noise.shape[1:]
            raise ValueError(
                f"{source} holds noise of width {width}, but the model's "
                f"latent_dim is {self.latent_dim}: this folder belongs to another "
                "model. Use another directory, or delete the file."
            )
        try:
            self.check_condition(inputs.get("condition"), len(noise))
        except ValueError as error:
            raise ValueError(
                f"{source} holds fixed inputs of another model: {error} Use "
                "another directory, or delete the file."
            ) from None

    # --- Export and evaluation (what `kg.export` and `kg.evaluation` call) --

    def serving_endpoints(self):
        """What an export serves: `{name: (function, inputs)}`, in order.

        `inputs` maps each input's name to a `keras.KerasTensor` (batch
        dimension `None`); `function(inputs)` takes a dict of tensors by
        those names and returns a dict of output tensors, in `keras.ops`.
        The first endpoint is also `serving_default`. The default is one
        endpoint, `serving_default`: `noise_name` (unless `latent_dim` is 0)
        and, for a conditional model, `condition_name`, to `images`
        (`generate_images`). Exports add a
        `sample` signature to any model whose `serving_default` takes
        `noise_name`.
        """
        inputs = {}
        if self.latent_dim:  # a model without noise (Pix2Pix) takes none
            inputs[self.noise_name] = keras.KerasTensor((None, self.latent_dim))
        spec = self.condition_spec()
        if spec is not None:
            inputs[self.condition_name] = spec

        def serve(tensors):
            condition = tensors.get(self.condition_name)
            noise = tensors.get(self.noise_name)
            if noise is None:
                noise = ops.zeros((ops.shape(condition)[0], 0))
            return {"images": self.generate_images(noise, condition)}

        return {"serving_default": (serve, inputs)}

    def heldout_metrics(self, data, seed=0, importance_samples=50):
        """Figures only the model can compute on held-out data, as `{name: float}`.

        Evaluation reports them beside the sample metrics. `data` is a batch
        as the training data holds it (`images` or `(images, labels)` in
        `value_range`; `(inputs, targets)` for `Pix2Pix`). The default is
        `{}` (a GAN has no likelihood). A VAE returns its negative ELBO and
        likelihood estimated with `importance_samples` draws per image;
        Pix2Pix the L1 distance and PSNR of its outputs to the targets.

        Raises:
            ValueError: the data do not suit the model.
        """
        return {}

    # --- Saving -------------------------------------------------------------

    def export_generator(self, path, verbose=False, overwrite=False):
        """Writes the generator as a TensorFlow SavedModel for serving.

        See `keras_gen.export` for the signatures; an existing file or a
        folder of other files at `path` is refused unless `overwrite=True`.
        Returns the path written.
        """
        from keras_gen.export import export_generator

        return export_generator(self, path, verbose=verbose, overwrite=overwrite)

    def _network_seed_states(self):
        """The seed states of the networks' random layers (`Dropout`, noise
        layers), in a fixed order: Keras does not save them with the layers."""
        own = self.seed_generator.state
        return [
            v
            for v in self.non_trainable_variables
            if v.name == "seed_generator_state" and v is not own
        ]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[SEED_STATE_KEY] = self.seed_generator.state
        for index, state in enumerate(self._network_seed_states()):
            store[f"{NETWORK_SEED_STATE_KEY}_{index}"] = state

    def load_own_variables(self, store):
        entries = {key: store[key] for key in store.keys()}
        seed_state = entries.pop(SEED_STATE_KEY, None)
        network_states = {
            key: entries.pop(key)
            for key in list(entries)
            if key.startswith(NETWORK_SEED_STATE_KEY)
        }
        super().load_own_variables(entries)
        if seed_state is not None:
            self.seed_generator.state.assign(seed_state)
        for index, state in enumerate(self._network_seed_states()):
            saved = network_states.get(f"{NETWORK_SEED_STATE_KEY}_{index}")
            if saved is not None:
                state.assign(saved)

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
