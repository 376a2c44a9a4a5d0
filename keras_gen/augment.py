"""Differentiable augmentation of the discriminator's images: DiffAugment and ADA.

A discriminator trained on few images memorises them, and the generator's
gradients go with it. Augmenting every image the discriminator sees, real and
generated alike, in both players' updates, keeps it from memorising without
leaking the augmentations into the generated images, as long as each
augmentation is differentiable (the generator is trained through it) and
applied with a probability below about 0.8 (Zhao et al., 2020, "Differentiable
Augmentation for Data-Efficient GAN Training"; Karras et al., 2020, "Training
Generative Adversarial Networks with Limited Data").

`GAN.compile(augmentation=...)` takes a `DiffAugment` (a fixed probability, 1
by default as in DiffAugment) or an `AdaptiveAugment` (ADA: the probability
follows the discriminator's overfitting, measured on real images). The
operations, each drawn per image:

| op | what | parameters |
| --- | --- | --- |
| `"color"` | brightness, saturation, contrast | +U(-0.5, 0.5) of the value range's half-width; saturation x U(0, 2); contrast x U(0.5, 1.5) |
| `"translation"` | a shift with zero padding (the value range's middle) | up to 1/8 of each side, in whole pixels |
| `"cutout"` | a square set to the range's middle | half of each side, centred anywhere |

Everything is `keras.ops` and draws from the model's seed generator: the same on
TensorFlow, JAX and PyTorch, under every distribution, and after a resume.
"""

import keras
from keras import ops

from keras_gen import validation

#: The operations, in the order they are applied.
OPERATIONS = ("color", "translation", "cutout")
#: How far a translation moves an image: this share of each side.
TRANSLATION_RATIO = 0.125
#: The side of the cutout square: this share of each side.
CUTOUT_RATIO = 0.5


def _parse_policy(policy):
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in OPERATIONS]
    if not names or unknown:
        raise ValueError(
            f"An augmentation policy is a comma-separated list of "
            f"{', '.join(map(repr, OPERATIONS))}; got {policy!r}."
        )
    return tuple(name for name in OPERATIONS if name in names)


@keras.saving.register_keras_serializable(package="keras_gen")
class DiffAugment:
    """Differentiable augmentation with a fixed probability (Zhao et al., 2020).

    Each operation of `policy` is applied to each image with `probability`
    (1, the paper's, applies every one to every image), to the real and the
    generated images the discriminator sees in both players' updates.

    Args:
        policy: the operations, comma-separated: any of `"color"`,
            `"translation"`, `"cutout"`. Default
            `"color,translation,cutout"`, the paper's for few images.
        probability: the chance that each operation is applied to an image,
            in [0, 1]. Default 1.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    gan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    gan.compile(augmentation=kg.augment.DiffAugment("translation,cutout"))
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    gan.fit(images, batch_size=16, epochs=1, verbose=0)
    ```
    """

    adaptive = False

    def __init__(self, policy="color,translation,cutout", probability=1.0):
        self.operations = _parse_policy(policy)
        self.policy = ",".join(self.operations)
        _check_probability(probability, "probability")
        self.probability = float(probability)

    @property
    def initial_probability(self):
        """The probability training starts from."""
        return self.probability

    def get_config(self):
        return {"policy": self.policy, "probability": self.probability}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None


@keras.saving.register_keras_serializable(package="keras_gen")
class AdaptiveAugment(DiffAugment):
    """Adaptive discriminator augmentation, ADA (Karras et al., 2020).

    The probability starts at `initial_probability` and moves after every
    step by the sign of `r - target`, where `r` is the mean sign of the
    discriminator's logits on the step's real images (1 when it calls every
    real image real: it is overfitting), by as much as lets it go from 0 to 1
    over `speed_images` images. The probability is model state, saved with
    the model and restored by a resume, and logged as `augment_probability`;
    under a distribution, `r` is the global batch's, so every replica holds
    one value.

    Args:
        policy: the operations, as for `DiffAugment`. Default
            `"color,translation,cutout"`.
        target: the `r` the probability steers towards. Default 0.6, the
            paper's.
        speed_images: images over which the probability can move from 0 to 1.
            Default 100,000 (the paper's 500,000 is for runs of millions of
            images).
        initial_probability: the probability at the start. Default 0.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    gan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    gan.compile(augmentation=kg.augment.AdaptiveAugment(speed_images=1_000))
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    history = gan.fit(images, batch_size=16, epochs=2, verbose=0)
    history.history["augment_probability"]  # one value per epoch
    ```
    """

    adaptive = True

    def __init__(
        self,
        policy="color,translation,cutout",
        target=0.6,
        speed_images=100_000,
        initial_probability=0.0,
    ):
        super().__init__(policy, initial_probability)
        if isinstance(target, bool) or not -1.0 < float(target) < 1.0:
            raise ValueError(
                f"`target` is the mean sign of D(x) to steer towards, in (-1, 1), "
                f"e.g. 0.6; got {target!r}."
            )
        validation.check_positive(speed_images, "speed_images")
        self.target = float(target)
        self.speed_images = float(speed_images)

    def get_config(self):
        return {
            "policy": self.policy,
            "target": self.target,
            "speed_images": self.speed_images,
            "initial_probability": self.probability,
        }

    def adjusted(self, probability, overfitting, batch_size):
        """The probability after a step of `batch_size` real images whose
        logits' mean sign was `overfitting`."""
        step = ops.cast(batch_size, "float32") / self.speed_images
        moved = probability + ops.sign(overfitting - self.target) * step
        return ops.clip(moved, 0.0, 1.0)


def _check_probability(value, name):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (0.0 <= value <= 1.0)
    ):
        raise ValueError(f"`{name}` must be a probability in [0, 1]; got {value!r}.")


def get(identifier):
    """An augmentation from `None`, a policy string, a config dict or an instance.

    A string is a `DiffAugment` policy (`"color,translation,cutout"`), or
    `"ada"` for an `AdaptiveAugment` with its defaults.
    """
    if identifier is None or isinstance(identifier, DiffAugment):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str):
        if identifier == "ada":
            return AdaptiveAugment()
        return DiffAugment(identifier)
    raise TypeError(
        "`augmentation` must be None, a policy such as 'color,translation,cutout', "
        "'ada', or a kg.augment.DiffAugment or AdaptiveAugment; got "
        f"{identifier!r}."
    )


def serialize(augmentation):
    return (
        None
        if augmentation is None
        else keras.saving.serialize_keras_object(augmentation)
    )


# --- The operations ---------------------------------------------------------


def augment(images, operations, probability, uniform, value_range):
    """`images` with each of `operations` applied to each image with `probability`.

    Args:
        images: `(batch, H, W, C)` images in `value_range`.
        operations: names of `OPERATIONS`.
        probability: a scalar tensor or float in [0, 1].
        uniform: `uniform(tail)` returns `(batch,) + tail` draws from U(0, 1)
            for this batch (the model draws them from its seed generator).
        value_range: `(low, high)` of the images.
    """
    low, high = value_range
    middle, half = (low + high) / 2.0, (high - low) / 2.0
    dtype = images.dtype
    probability = ops.cast(probability, dtype)
    for name in operations:
        applied = ops.cast(uniform(()) < probability, dtype)  # (batch,)
        applied = ops.reshape(applied, (-1, 1, 1, 1))
        if name == "color":
            changed = _color(images, uniform, middle, half)
        elif name == "translation":
            changed = _translate(images, uniform, middle)
        else:
            changed = _cutout(images, uniform, middle)
        images = applied * changed + (1.0 - applied) * images
    return images


def _per_image(values, dtype):
    return ops.reshape(ops.cast(values, dtype), (-1, 1, 1, 1))


def _color(images, uniform, middle, half):
    """Brightness, saturation and contrast, as DiffAugment draws them."""
    dtype = images.dtype
    brightness = _per_image(uniform(()) - 0.5, dtype) * half
    images = images + brightness
    saturation = _per_image(uniform(()) * 2.0, dtype)
    grey = ops.mean(images, axis=-1, keepdims=True)
    images = grey + (images - grey) * saturation
    contrast = _per_image(uniform(()) + 0.5, dtype)
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return mean + (images - mean) * contrast


def _shift_matrices(shifts, size, dtype):
    """`(batch, size, size)` matrices that move rows by `shifts` (whole
    pixels), with zeros where a row moves in from outside."""
    source = ops.arange(size)[None, :] - ops.reshape(shifts, (-1, 1))  # (batch, size)
    inside = ops.cast((source >= 0) & (source < size), dtype)
    picked = ops.one_hot(ops.clip(source, 0, size - 1), size, dtype=dtype)
    return picked * inside[..., None]


def _translate(images, uniform, middle):
    """A shift of up to `TRANSLATION_RATIO` of each side, the border filled
    with the range's middle."""
    height, width = images.shape[1], images.shape[2]
    dtype = images.dtype
    shifts = []
    for size in (height, width):
        reach = int(size * TRANSLATION_RATIO + 0.5)
        draw = uniform(()) * (2 * reach + 1)
        shifts.append(ops.cast(ops.floor(draw), "int32") - reach)
    rows = _shift_matrices(shifts[0], height, dtype)
    columns = _shift_matrices(shifts[1], width, dtype)
    centred = images - middle
    moved = ops.einsum("bij,bjwc->biwc", rows, centred)
    moved = ops.einsum("bkw,bhwc->bhkc", columns, moved)
    return moved + middle


def _cutout(images, uniform, middle):
    """A square of `CUTOUT_RATIO` of each side, centred anywhere, set to the
    range's middle."""
    height, width = images.shape[1], images.shape[2]
    dtype = images.dtype
    keep = None
    for axis, size in ((1, height), (2, width)):
        extent = int(size * CUTOUT_RATIO + 0.5)
        centre = ops.floor(uniform(()) * (size + 1 - extent % 2))
        start = ops.reshape(centre - extent // 2, (-1, 1))
        positions = ops.cast(ops.arange(size), start.dtype)[None, :]
        outside = (positions < start) | (positions >= start + extent)
        shape = (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1)
        outside = ops.reshape(ops.cast(outside, dtype), shape)
        keep = outside if keep is None else ops.maximum(keep, outside)
    return images * keep + middle * (1.0 - keep)
