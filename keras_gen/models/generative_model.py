"""The base class shared by every keras_gen model."""

import functools
import inspect

import keras
import numpy as np
from keras import ops

from keras_gen import backend, data_check, validation
from keras_gen.conditions import Condition
from keras_gen.datasets.spec import DataSpec
from keras_gen.non_finite import TerminateOnNonFinite

SEED_STATE_KEY = "seed_generator_state"
NETWORK_SEED_STATE_KEY = "network_seed_state"

#: Hooks of keras_gen 0.1's first interface, and what took their place. A
#: subclass that still defines one fails at construction, saying which.
RETIRED_HOOKS = {
    "condition_spec": "`self.condition`, set as a class attribute or in the "
    "constructor (a kg.conditions.Condition, or ClassLabel(num_classes))",
    "condition_range": "Condition(value_range=...)",
    "condition_name": "Condition(name=...)",
    "sample_conditions": "a Condition subclass that overrides `sample`",
    "class_labels": "Condition.class_ids (kg.conditions.ClassLabel)",
    "check_condition": "Condition.check",
    "conditions_for": "kg.conditions.conditions_for(model, ...)",
    "grid_inputs": "grid_images(inputs) alone: ImageGrid makes the fixed inputs",
    "check_grid_inputs": "nothing: ImageGrid checks its fixed inputs itself",
    "default_optimizers": "compile_defaults(loss)",
    "default_regularization": "compile_defaults(loss)",
}


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


def _built_when_constructed(init):
    """`init`, then `build()` once the outermost constructor has returned, so
    that a subclass may set its attributes after `super().__init__()`."""

    @functools.wraps(init)
    def construct(self, *args, **kwargs):
        outermost = not self.__dict__.get("_constructing", False)
        object.__setattr__(self, "_constructing", True)
        try:
            init(self, *args, **kwargs)
        finally:
            if outermost:
                object.__setattr__(self, "_constructing", False)
        if outermost:
            self._finish_construction()

    # Keras reads the constructor's arguments for the automatic config.
    construct.__signature__ = inspect.signature(init)
    return construct


class GenerativeModel(backend.ModelMixin, keras.Model):
    """A `keras.Model` that generates images; the base of GAN and VAE.

    It owns what every generative model here shares:

    - `condition`: `None` for an unconditional model, else a
      `kg.conditions.Condition` saying what it is conditioned on (a class
      label, a vector, an image); the networks, `fit()`, `generate()` and
      every tool read it. A conditional model sets it, as a class attribute
      or in its constructor (from its own arguments, so that a reloaded
      model sets it again).
    - `seed_generator`, the `keras.random.SeedGenerator` all in-graph
      randomness of the train step draws from. Its state is saved with the
      model, and so are those of the networks' random layers (`Dropout`).
    - Input checks: `fit()` checks the first batch (shape, dtype, value
      range, the condition) before training, and every train and test step
      checks its batch's range in the graph (`kg.data_check`) unless
      `compile(check_data=False)`.
    - A guard that stops `fit()` with an error when a loss becomes NaN or
      infinite (`kg.callbacks.TerminateOnNonFinite`).
    - `generate()`, numpy in and out, batched; named configurations
      (`presets`, `from_preset`, `list_presets`); export
      (`export_generator`).

    The build runs once the outermost constructor returns, so a subclass
    may set its own attributes after `super().__init__()`.

    Hooks a subclass overrides, each with a default that works (the table
    in `docs/concepts.md` has what calls each):

    - `unpack_batch(data)`: `(images, condition)` from a batch of the data;
    - `generate_images(noise, condition)`: the traceable core of generation;
    - `grid_images(inputs)`: what a sample grid shows;
    - `serving_endpoints()`: what an export serves;
    - `heldout_metrics(data, seed, **options)`: figures on held-out data
      only the model can compute;
    - `training_data`: what `fit()` takes, for tools that load data for it.

    Subclasses set `image_shape`, `latent_dim` and `value_range`.

    Args:
        preset: the name of the preset the model was made from (set by
            `from_preset`), or `None`.
        seed: optional int seeding `seed_generator`. Default `None`.
        **kwargs: passed to `keras.Model` (`name`, `dtype`, ...).

    Example:

    ```python
    import keras_gen as kg

    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=8)
    isinstance(model, kg.models.GenerativeModel)  # True
    model.condition is None                       # unconditional
    model.generate(4, seed=0).shape               # (4, 28, 28, 1)
    ```
    """

    #: Named configurations: `{name: {"description": str, "config": dict of
    #: constructor arguments, "compile": dict of compile() defaults (optional),
    #: "data": the data set it was tuned on (optional)}}`. A subclass with a
    #: constructor of its own does not inherit them (their arguments are the
    #: parent's).
    presets = {}

    #: What the model is conditioned on: `None`, or a `kg.conditions.Condition`.
    condition = None

    #: Name of the noise (latent) input of exports.
    noise_name = "noise"

    @property
    def noise_shape(self):
        """The shape of one noise input, without the batch: `(latent_dim,)`
        by default; a diffusion model's noise has the image's shape."""
        return (self.latent_dim,)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "presets" not in cls.__dict__ and "__init__" in cls.__dict__:
            cls.presets = {}  # a preset is constructor arguments: not for a new one
        if "__init__" in cls.__dict__:
            cls.__init__ = _built_when_constructed(cls.__init__)

    def __init__(self, preset=None, seed=None, **kwargs):
        retired = [name for name in RETIRED_HOOKS if hasattr(type(self), name)]
        if retired:
            raise TypeError(
                f"{type(self).__name__} defines {', '.join(retired)}, which "
                "keras_gen no longer calls; use "
                + "; ".join(f"for {name}, {RETIRED_HOOKS[name]}" for name in retired)
                + " (docs/concepts.md)."
            )
        super().__init__(**kwargs)
        if preset is not None and preset not in type(self).presets:
            raise ValueError(_unknown_preset(type(self), preset))
        self.preset = preset
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.image_shape = None
        self.value_range = (-1.0, 1.0)
        object.__setattr__(self, "_example_batch", None)
        object.__setattr__(self, "_fit_data", None)
        # === Per-batch data check (see keras_gen.data_check) ===
        self.check_data = True
        self.data_check_tracker = data_check.DataCheck()

    def _finish_construction(self):
        if self.condition is not None and not isinstance(self.condition, Condition):
            raise TypeError(
                f"{type(self).__name__}.condition must be None or a "
                "kg.conditions.Condition (e.g. kg.conditions.ClassLabel(10)); "
                f"got {self.condition!r}."
            )
        if not self.built:
            self.build()

    def build(self, input_shape=None):
        """Builds the model's state; runs once the constructor returns."""

    # --- Presets --------------------------------------------------------------

    @classmethod
    def list_presets(cls):
        """`{name: description}` of the class's presets."""
        return {name: preset["description"] for name, preset in cls.presets.items()}

    @classmethod
    def from_preset(cls, name, **kwargs):
        """A model in the named configuration; `kwargs` override its arguments.

        Args:
            name: a key of `presets` (see `list_presets()`).
            **kwargs: constructor arguments that replace the preset's (e.g.
                `image_shape`, `seed`).
        """
        presets = cls.presets
        if name not in presets:
            raise ValueError(_unknown_preset(cls, name))
        return cls(**{**presets[name]["config"], **kwargs, "preset": name})

    def preset_compile_defaults(self):
        """The `compile()` defaults of the model's preset (`{}` without one)."""
        if self.preset is None:
            return {}
        return dict(type(self).presets[self.preset].get("compile", {}))

    # --- The data -----------------------------------------------------------

    def unpack_batch(self, data):
        """Splits one batch from the dataset into `(images, condition)`.

        The default reads `images`, `(images,)` or `(images, y)`: `y` is the
        condition of a conditional model and is ignored by an unconditional
        one (a labelled dataset trains it unchanged). Override it when the
        batches hold something else (`Pix2Pix` reads `(inputs, targets)`).
        Works on tensors inside the train step and on numpy data.
        """
        images, condition, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.condition is None:
            if condition is not None and len(getattr(condition, "shape", ())) >= 3:
                raise ValueError(
                    f"{type(self).__name__} is unconditional and trains on images "
                    f"alone (labels beside them are ignored), but the batches "
                    f"hold pairs of images: (images, images of shape "
                    f"{tuple(condition.shape)}). For image-to-image training use "
                    "kg.Pix2Pix (paired) or kg.CycleGAN (unpaired); else pass "
                    "the images alone."
                )
            return images, None
        return images, condition

    @property
    def training_data(self):
        """What `fit()` takes, for tools that load data for the model (the CLI).

        A `kg.datasets.DataSpec`: by default images in `value_range`, with
        their class labels when the condition is a class label.
        """
        labels = self.condition is not None and self.condition.num_classes is not None
        return DataSpec(value_range=self.value_range, labels=labels)

    @property
    def example_batch(self):
        """`(images, condition)`: real training examples, as numpy, or `None`.

        `fit()` keeps up to 256 examples of the first batch it trains on, so
        that tools can show real data: `ImageGrid` takes the conditions of a
        model that cannot draw its own, and a VAE's originals, from here.
        """
        return self._example_batch

    @property
    def fit_data(self):
        """The training data (`x`) of the `fit()` running now, else `None`.

        For callbacks that need the data's position: `Checkpoint` moves a
        `tf.data` pipeline's shuffling on to the epoch it resumes at.
        """
        return self._fit_data

    def _keep_examples(self, images, condition, count=256):
        def head(array):
            return np.asarray(array)[:count]

        condition = (
            None if condition is None else keras.tree.map_structure(head, condition)
        )
        object.__setattr__(self, "_example_batch", (head(images), condition))

    def _check_condition(self, values, num_images):
        """Raises `ValueError` unless numpy `values` are conditions for
        `num_images` images of this model (none for an unconditional one)."""
        model_name = type(self).__name__
        if self.condition is None:
            if values is not None:
                raise ValueError(
                    f"{model_name} is unconditional, but was given a condition; "
                    "leave it out."
                )
            return
        self.condition.check(values, num_images, model_name)

    def _check_images(self, images):
        """Raises `ValueError` unless `images` (any array with a shape) have
        the model's image shape."""
        validation.check_image_shape(
            tuple(images.shape), self.image_shape, type(self).__name__
        )

    def _check_first_batch(self, images, condition):
        self._check_images(images)
        validation.check_image_values(images, self.value_range, type(self).__name__)
        self._check_condition(condition, len(images))

    def _check_batch_in_graph(self, images, condition):
        """Records in-graph findings on a batch (`keras_gen.data_check`)."""
        if not self.check_data:
            return
        value_range = None if self.condition is None else self.condition.value_range
        findings, statistics = data_check.batch_findings(
            images, condition, self.value_range, value_range
        )
        self.data_check_tracker.update_state(findings, statistics)

    # --- Training -----------------------------------------------------------

    def compile(self, **kwargs):
        kwargs.setdefault("jit_compile", backend.default_jit_compile(self))
        super().compile(**kwargs)

    def fit(self, *args, **kwargs):
        """Trains the model; arguments as for `keras.Model.fit`.

        Before training, the first batch is checked (shape, dtype, value
        range, the condition) and kept as `example_batch`, and a
        `TerminateOnNonFinite` callback is added unless one was passed;
        either way it runs before the other callbacks.
        """
        arguments = (
            inspect.signature(keras.Model.fit).bind(self, *args, **kwargs).arguments
        )
        arguments.pop("self")
        batch = validation.first_batch(arguments.get("x"), arguments.get("y"))
        if batch is not None:
            images, condition = self.unpack_batch(batch)
            self._check_first_batch(images, condition)
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
        object.__setattr__(self, "_fit_data", arguments.get("x"))
        try:
            return super().fit(**arguments)
        finally:
            object.__setattr__(self, "_fit_data", None)

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

    @staticmethod
    def _replica_share(draw, batch_size):
        """`draw(batch_size)`; under `tf.distribute`, this replica's rows of a
        draw for the global batch, so that replicas get different draws and
        training equals single-device training on the global batch. Under a
        JAX `keras.distribution`, laid out over the devices like the batch."""
        replicas, replica_id = backend.replica_context()
        if replicas == 1:
            return backend.lay_out_as_batch(draw(batch_size))
        values = draw(batch_size * replicas)
        return values[replica_id * batch_size : (replica_id + 1) * batch_size]

    # --- Generation ---------------------------------------------------------

    def generate_images(self, noise, condition=None):
        """Images from a batch of noise (and conditions), as a tensor.

        The traceable core of `generate()` and of exports: `keras.ops` only,
        no numpy. Subclasses implement it (a GAN calls its generator, a VAE
        decodes); they may add keyword options that `generate()` passes on
        (a GAN's `use_ema`).

        Args:
            noise: `(batch, latent_dim)` tensor.
            condition: a batch of conditions, or `None` for an unconditional
                model.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate_images(noise, "
            "condition) to generate images."
        )

    def generate(
        self,
        num_images=None,
        seed=None,
        *,
        noise=None,
        condition=None,
        batch_size=256,
        truncation=None,
        **options,
    ):
        """Generates images as a numpy array in `value_range`.

        Sampling here does not touch the training `seed_generator`, so
        calling it during training leaves training reproducible. A
        conditional model given no `condition` draws its own
        (`condition.sample`) where it can.

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
            noise: optional `(num_images, *noise_shape)` noise to use
                instead of drawing it.
            condition: optional conditions, one per image (see `condition`);
                also accepted under the condition's name (`labels=` for a
                class label).
            batch_size: images generated per forward pass. Default 256.
            truncation: `None` (default) for the normal noise the model was
                trained on, or a positive float: the bound on each drawn
                noise coordinate's magnitude. Only for noise drawn here.
            **options: passed to `generate_images` (a GAN's `use_ema`).

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
        if self.condition is not None and self.condition.name in options:
            if condition is not None:
                raise TypeError(
                    f"Pass the condition once: `condition=` or "
                    f"`{self.condition.name}=`, not both."
                )
            condition = options.pop(self.condition.name)
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
                    name = self.condition.name if self.condition else "condition"
                    raise ValueError(
                        f"{model_name}.generate() needs `num_images`, `noise` "
                        f"or `{name}` to know how many images to make."
                    )
                num_images = len(condition)
            validation.check_count(num_images, "num_images", minimum=0)
            shape = (int(num_images), *self.noise_shape)
            if truncation is None:
                noise = keras.random.normal(shape, seed=seed)
            else:
                noise = _truncated_normal(shape, float(truncation), seed)
        noise = ops.convert_to_numpy(noise).astype("float32")
        if tuple(noise.shape[1:]) != tuple(self.noise_shape):
            raise ValueError(
                f"`noise` must have shape (num_images, "
                f"{', '.join(map(str, self.noise_shape))}); got {noise.shape}."
            )
        if num_images is not None and len(noise) != num_images:
            raise ValueError(
                f"Got {len(noise)} noise vectors for num_images={num_images}."
            )
        if condition is None and self.condition is not None:
            if not self.condition.can_sample:
                raise ValueError(
                    f"{model_name} is conditioned on `{self.condition.name}` "
                    "and cannot draw its own: pass `condition=`, one per image."
                )
            condition = self.condition.sample(len(noise), seed)
        if condition is not None:
            condition = np.asarray(condition)
        self._check_condition(condition, len(noise))
        batches = []
        for start in range(0, len(noise), batch_size):
            stop = start + batch_size
            images = self.generate_images(
                noise[start:stop],
                None if condition is None else condition[start:stop],
                **options,
            )
            batches.append(ops.convert_to_numpy(images))
        if not batches:
            return np.zeros((0,) + tuple(self.image_shape), dtype="float32")
        return np.concatenate(batches)

    # --- What the tools show, serve and score --------------------------------

    def grid_images(self, inputs):
        """The images of a sample grid, and its number of columns.

        `kg.callbacks.ImageGrid` makes the grid's fixed inputs once (and saves
        them, so grids stay comparable across epochs and resumed runs): a
        dict with `noise` and, for a conditional model, `condition` (its own,
        one class per row for class labels, else those of real examples), and
        with real examples `example_images` and `example_condition` when it
        knows some.

        Returns:
            `(images, columns)`: images in `value_range`, row after row;
            `columns` is `None` for a square grid. The default generates from
            the fixed noise and conditions; with class labels, each row shows
            one class.
        """
        condition = inputs.get("condition")
        images = self.generate(noise=inputs["noise"], condition=condition)
        columns = None
        if self.condition is not None and self.condition.num_classes:
            labels = self.condition.class_ids(condition)
            columns = int(np.unique(labels, return_counts=True)[1].max())
        return images, columns

    def serving_endpoints(self):
        """What an export serves: `{name: (function, inputs)}`, in order.

        `inputs` maps each input's name to a `keras.KerasTensor` (batch
        dimension `None`); `function(inputs)` takes a dict of tensors by
        those names and returns a dict of output tensors, in `keras.ops`.
        The first endpoint is also `serving_default`. The default is one
        endpoint, `serving_default`: `noise_name` and, for a conditional
        model, the condition's name, to `images` (`generate_images`).
        Exports add a `sample` signature to any model whose
        `serving_default` takes `noise_name`.
        """
        inputs = {self.noise_name: keras.KerasTensor((None, *self.noise_shape))}
        if self.condition is not None:
            inputs[self.condition.name] = self.condition.spec

        def serve(tensors):
            condition = None
            if self.condition is not None:
                condition = tensors[self.condition.name]
            return {"images": self.generate_images(tensors[self.noise_name], condition)}

        return {"serving_default": (serve, inputs)}

    def heldout_metrics(self, data, seed=0):
        """Figures only the model can compute on held-out data, as `{name: float}`.

        `kg.evaluation.evaluate()` reports them beside the sample metrics. A
        model may take options after `seed` (a VAE's `importance_samples`):
        `evaluate()` passes on its extra keyword arguments, refuses those the
        signature does not name, and records the values used in the result's
        provenance. `data` is a batch as the training data holds it. The default is `{}` (a GAN has no likelihood); a VAE
        reports its negative ELBO and likelihood, Pix2Pix its L1 and PSNR.

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
        if self.preset is not None:
            config["preset"] = self.preset
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


def _unknown_preset(cls, name):
    presets = ", ".join(map(repr, cls.presets)) or "none"
    return f"Unknown {cls.__name__} preset {name!r}; its presets are: {presets}."
