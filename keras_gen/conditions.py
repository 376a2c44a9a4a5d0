"""What a conditional model is conditioned on, described in one object.

A model's `condition` is `None` (unconditional) or a `Condition`: the shape
and dtype of one image's condition, its name (the input's name in exports and
in messages), the range of its values, whether it is a class label and
whether the model can draw conditions of its own. The train step, the
networks' inputs and every tool (grids, export, evaluation, the CLI) read it
from there:

| condition | made with | the model draws its own | tools |
| --- | --- | --- | --- |
| a class label | `ClassLabel(num_classes)` | yes: every class in turn | one grid row per class; label accuracy |
| a vector, an image, anything else | `Condition(shape, dtype, name, value_range)` | no (subclass it and override `sample` to say yes) | conditions of real examples |
"""

import keras
import numpy as np
from keras import ops

from keras_gen import validation


def repeat_to(array, count):
    """The first `count` rows of `array`, cycling through it if it is shorter."""
    array = np.asarray(array)
    return np.take(array, np.arange(int(count)) % len(array), axis=0)


@keras.saving.register_keras_serializable(package="keras_gen")
class Condition:
    """One value per image that a conditional model is conditioned on.

    It says what the networks are built for (`spec`), what `fit()` and
    `generate()` accept (`check`), what an export takes (an input named
    `name` of the spec's shape and dtype, refused outside `value_range`) and
    what the tools can do with it (`can_sample`, `num_classes`).

    A model can draw conditions of its own only where a subclass overrides
    `sample`; otherwise tools take the conditions of real examples (those of
    the first batch `fit()` trained on, or ones you pass).

    Args:
        shape: the shape of one image's condition, without the batch axis:
            `(2,)` for a vector of two attributes, `(7, 7, 1)` for a small
            image. Default `()`, one number.
        dtype: its dtype. Default `"float32"`.
        name: its name in exports, fixed grid inputs and messages. Default
            `"condition"`.
        value_range: `(low, high)`, the inclusive range of its values, which
            the train step checks on every batch and exports enforce; `None`
            (default) for any finite value.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    attributes = kg.conditions.Condition(shape=(2,), name="attributes")
    attributes.spec.shape          # (None, 2)
    attributes.can_sample          # False: tools use real examples' values
    attributes.check(np.zeros((4, 2), "float32"), num_images=4)  # fits
    ```
    """

    def __init__(self, shape=(), dtype="float32", name="condition", value_range=None):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = keras.backend.standardize_dtype(dtype)
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"A condition's `name` names an export input and must be a "
                f"Python identifier, e.g. 'labels'; got {name!r}."
            )
        self.name = name
        if value_range is not None:
            validation.check_range(value_range, "value_range")
            value_range = tuple(float(v) for v in value_range)
        self.value_range = value_range

    # --- What the tools ask ---------------------------------------------------

    @property
    def spec(self):
        """A `keras.KerasTensor` for one batch of conditions (batch axis `None`)."""
        return keras.KerasTensor((None,) + self.shape, dtype=self.dtype)

    @property
    def num_classes(self):
        """The number of classes when the condition is a class label, else `None`."""
        return None

    @property
    def can_sample(self):
        """Whether the model can draw conditions itself (`sample`)."""
        return type(self).sample is not Condition.sample

    def sample(self, num_images, seed=None):
        """`num_images` conditions drawn without data, as a numpy array.

        Raises `ValueError`: a condition that only data provides (this
        default) cannot be drawn. A subclass that can draw its own overrides
        this method, and `can_sample` becomes true.
        """
        raise ValueError(
            f"The model cannot draw its own `{self.name}`; pass them "
            f"(`condition=` to generate(), `examples=` to ImageGrid, "
            f"`conditions=` to evaluate())."
        )

    def class_ids(self, values):
        """The class each condition asks for, as int32 `(N,)`, or `None` when
        the condition is not a class label."""
        return None

    def check(self, values, num_images, model_name="The model"):
        """Raises `ValueError` unless numpy `values` are conditions for `num_images` images."""
        validation.check_condition(
            values,
            self.spec,
            self.value_range,
            num_images,
            model_name,
            self.name,
        )

    # --- Serialization ------------------------------------------------------

    def get_config(self):
        return {
            "shape": list(self.shape),
            "dtype": self.dtype,
            "name": self.name,
            "value_range": None if self.value_range is None else list(self.value_range),
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None


@keras.saving.register_keras_serializable(package="keras_gen")
class ClassLabel(Condition):
    """A class label: one integer in `[0, num_classes)` per image.

    The model draws its own labels (every class equally often, in order), so
    grids show one class per row, `generate(n)` needs no labels and
    evaluation scores how often samples show the class asked for. Labels are
    int32 of shape `(batch,)`; networks usually see them as one-hot codes
    (`one_hot`, `attach`) or through an `Embedding`.

    Args:
        num_classes: how many classes, at least 2.
        name: the input's name in exports and messages. Default `"labels"`.

    Example:

    ```python
    import keras_gen as kg

    labels = kg.conditions.ClassLabel(3)
    labels.sample(7)                       # [0 0 0 1 1 2 2]
    labels.spec.dtype, labels.value_range  # ('int32', (0.0, 2.0))
    ```
    """

    def __init__(self, num_classes, name="labels"):
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, (int, np.integer, float))
            or int(num_classes) != num_classes
            or num_classes < 2
        ):
            raise ValueError(
                f"`num_classes` must be an integer >= 2; got {num_classes!r}."
            )
        self._num_classes = int(num_classes)
        super().__init__(
            shape=(), dtype="int32", name=name, value_range=(0, num_classes - 1)
        )

    @property
    def num_classes(self):
        return self._num_classes

    def sample(self, num_images, seed=None):
        """Every class equally often (to within one), in blocks, in order:
        `num_images=6` of 3 classes gives `[0, 0, 1, 1, 2, 2]`. `seed` is
        unused: the draw is the same every time."""
        count = int(num_images)
        return (np.arange(count) * self.num_classes // max(count, 1)).astype("int32")

    def class_ids(self, values):
        if values is None:
            return None
        return np.asarray(values).reshape(-1).astype("int32")

    def check(self, values, num_images, model_name="The model"):
        validation.check_labels(values, self.num_classes, num_images, model_name)

    def one_hot(self, labels, dtype="float32"):
        """One-hot codes `(batch, num_classes)` of integer labels `(batch,)` or `(batch, 1)`.

        Labels outside `[0, num_classes)` are clipped into it, the same on
        every backend (PyTorch would raise inside the step, TensorFlow and
        JAX give a row of zeros); the train step's data check reports such a
        batch.
        """
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        labels = ops.clip(labels, 0, self.num_classes - 1)
        return ops.one_hot(labels, self.num_classes, dtype=dtype)

    def attach(self, inputs, labels):
        """`inputs` with the labels' one-hot codes appended on the last axis.

        Vectors `(batch, n)` become `(batch, n + num_classes)`; images
        `(batch, H, W, C)` get the codes tiled as `num_classes` extra
        channels. The conditional GAN's and VAE's networks take their
        labels this way.
        """
        codes = self.one_hot(labels, inputs.dtype)
        spatial = tuple(inputs.shape[1:-1])
        if spatial:
            codes = ops.reshape(
                codes, (-1,) + (1,) * len(spatial) + (self.num_classes,)
            )
            codes = ops.tile(codes, (1,) + spatial + (1,))
        return ops.concatenate([inputs, codes], axis=-1)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name}


def conditions_for(model, num_images, seed=None, examples=None):
    """Conditions for `num_images` samples of `model`, for tools that show or score samples.

    The model's own (`model.condition.sample`) where it draws them, else the
    conditions of real examples, repeated in turn to `num_images`; `None`
    for an unconditional model.

    Args:
        model: a `kg.models.GenerativeModel`.
        num_images: how many conditions.
        seed: passed to `sample`.
        examples: `(images, condition)` of real examples; default the
            model's `example_batch`.

    Raises:
        ValueError: the model cannot draw its own conditions and no real
            examples are known.
    """
    condition = model.condition
    if condition is None:
        return None
    if condition.can_sample:
        return np.asarray(condition.sample(int(num_images), seed))
    examples = examples if examples is not None else model.example_batch
    if examples is None or examples[1] is None:
        raise ValueError(
            f"{type(model).__name__} cannot draw its own `{condition.name}`, and "
            "no real examples are known: fit() keeps those of its first batch, "
            "or pass them (`examples=` to ImageGrid, `conditions=` to evaluate())."
        )
    return repeat_to(examples[1], num_images)
