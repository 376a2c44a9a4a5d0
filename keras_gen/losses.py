"""Adversarial loss pairs: one discriminator loss and one generator loss each.

Every loss takes the discriminator's raw outputs (logits, never probabilities)
and is written in `keras.ops`, so it runs on every Keras backend. Losses are
computed in at least float32 (float16 and bfloat16 logits are cast up, float64
stays float64), so that mixed precision cannot overflow them.

| name               | discriminator minimises                      | generator minimises |
| ------------------ | -------------------------------------------- | ------------------- |
| `"non_saturating"` | BCE(real, 1) + BCE(fake, 0)                  | BCE(fake, 1)        |
| `"minimax"`        | BCE(real, 1) + BCE(fake, 0)                  | log(1 - D(G(z)))    |
| `"least_squares"`  | ½(D(x) - 1)² + ½D(G(z))²                     | ½(D(G(z)) - 1)²     |
| `"hinge"`          | relu(1 - D(x)) + relu(1 + D(G(z)))           | -D(G(z))            |
| `"wasserstein"`    | D(G(z)) - D(x)                               | -D(G(z))            |
| `"relativistic"`   | softplus(D(G(z)) - D(x))                     | softplus(D(x) - D(G(z))) |

All terms are means over the batch. The relativistic pairing loss pairs the
batch's real and generated images one to one, so its generator loss reads the
logits of both.
"""

import difflib

import keras
from keras import ops


def at_least_float32(x):
    """Casts float16 and bfloat16 tensors to float32; leaves wider ones as they are.

    Losses and penalties go through this so that mixed precision cannot overflow
    them, while a model under the `"float64"` dtype policy keeps its precision.
    """
    x = ops.convert_to_tensor(x)
    if keras.backend.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
        return ops.cast(x, "float32")
    return x


class AdversarialLoss:
    """Base class of a GAN objective: a discriminator loss and a generator loss.

    Subclass it to define a new objective and pass an instance to
    `GAN.compile(loss=...)`. Register the subclass with
    `keras.saving.register_keras_serializable()` so that saved models reload it.

    Attributes:
        probabilistic: whether `sigmoid(logits)` reads as the probability that
            an image is real. When true, the GAN also logs `real_score` and
            `fake_score`.
        supports_label_smoothing: whether one-sided label smoothing is
            meaningful for this objective.
        relativistic: whether the generator's loss compares the logits of
            generated images with those of real ones, so that the train
            step computes both for it (`generator_loss(fake_logits,
            real_logits)`).

    Example:

    ```python
    import keras
    from keras import ops
    import keras_gen as kg

    @keras.saving.register_keras_serializable(package="my_project")
    class SoftplusLoss(kg.losses.AdversarialLoss):
        def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
            return ops.mean(ops.softplus(-real_logits)) + ops.mean(
                ops.softplus(fake_logits)
            )

        def generator_loss(self, fake_logits):
            return ops.mean(ops.softplus(-fake_logits))

    loss = SoftplusLoss()
    float(loss.generator_loss(ops.zeros((4, 1))))  # log(2) = 0.693...
    ```
    """

    probabilistic = False
    supports_label_smoothing = False
    relativistic = False

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        """Returns the scalar loss the discriminator minimises.

        Args:
            real_logits: discriminator outputs on real images, `(batch, ...)`.
            fake_logits: discriminator outputs on generated images.
            real_label: target for real images; below 1 with one-sided label
                smoothing.
        """
        raise NotImplementedError

    def generator_loss(self, fake_logits, real_logits=None):
        """Returns the scalar loss the generator minimises.

        Args:
            fake_logits: discriminator outputs on generated images.
            real_logits: discriminator outputs on the batch's real images,
                given only to a `relativistic` loss.
        """
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}()"


def _bce(target, logits):
    return ops.mean(
        ops.binary_crossentropy(ops.full_like(logits, target), logits, from_logits=True)
    )


@keras.saving.register_keras_serializable(package="keras_gen")
class NonSaturatingLoss(AdversarialLoss):
    """The standard GAN loss with the non-saturating generator objective.

    The discriminator minimises binary cross-entropy with real images labelled
    1 and generated ones 0; the generator maximises `log D(G(z))`, which gives
    it strong gradients early in training (Goodfellow et al., 2014).

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.NonSaturatingLoss()
    logits = ops.zeros((8, 1))  # D(x) = 1/2 everywhere: the ideal end point
    float(loss.discriminator_loss(logits, logits))  # 2 log 2 = 1.386...
    ```
    """

    probabilistic = True
    supports_label_smoothing = True

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        return _bce(real_label, at_least_float32(real_logits)) + _bce(
            0.0, at_least_float32(fake_logits)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return _bce(1.0, at_least_float32(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gen")
class MinimaxLoss(NonSaturatingLoss):
    """The original minimax objective: the generator minimises `log(1 - D(G(z)))`.

    It is the value function analysed in the GAN paper, whose optimum makes the
    generator minimise the Jensen-Shannon divergence; its generator gradients
    vanish while the discriminator is winning, so prefer `NonSaturatingLoss`
    for training.

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.MinimaxLoss()
    float(loss.generator_loss(ops.zeros((8, 1))))  # log(1/2) = -0.693...
    ```
    """

    def generator_loss(self, fake_logits, real_logits=None):
        # log(1 - sigmoid(l)) == -softplus(l), stable for any logit.
        return -ops.mean(ops.softplus(at_least_float32(fake_logits)))


@keras.saving.register_keras_serializable(package="keras_gen")
class LeastSquaresLoss(AdversarialLoss):
    """Least-squares GAN loss (Mao et al., 2017): targets 1 for real, 0 for fake.

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.LeastSquaresLoss()
    float(loss.generator_loss(ops.ones((8, 1))))  # 0.0: D calls fakes real
    ```
    """

    supports_label_smoothing = True

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        real = at_least_float32(real_logits)
        fake = at_least_float32(fake_logits)
        return 0.5 * ops.mean(ops.square(real - real_label)) + 0.5 * ops.mean(
            ops.square(fake)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return 0.5 * ops.mean(ops.square(at_least_float32(fake_logits) - 1.0))


@keras.saving.register_keras_serializable(package="keras_gen")
class HingeLoss(AdversarialLoss):
    """Hinge loss as used by SN-GAN and BigGAN.

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.HingeLoss()
    real, fake = ops.full((8, 1), 2.0), ops.full((8, 1), -2.0)
    float(loss.discriminator_loss(real, fake))  # 0.0: both margins met
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        return ops.mean(ops.relu(1.0 - at_least_float32(real_logits))) + ops.mean(
            ops.relu(1.0 + at_least_float32(fake_logits))
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return -ops.mean(at_least_float32(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gen")
class WassersteinLoss(AdversarialLoss):
    """Wasserstein GAN critic loss (Arjovsky et al., 2017).

    The critic must be kept 1-Lipschitz; combine it with
    `GAN.compile(gradient_penalty=10.0)` (WGAN-GP, Gulrajani et al., 2017).

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.WassersteinLoss()
    real, fake = ops.full((8, 1), 3.0), ops.full((8, 1), 1.0)
    float(loss.discriminator_loss(real, fake))  # 1 - 3 = -2.0
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        return ops.mean(at_least_float32(fake_logits)) - ops.mean(
            at_least_float32(real_logits)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return -ops.mean(at_least_float32(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gen")
class RelativisticLoss(AdversarialLoss):
    """The relativistic pairing loss, RpGAN (Jolicoeur-Martineau, 2019).

    Each real image is scored against the generated image it is paired with:
    the discriminator minimises `softplus(D(G(z)) - D(x))`, the generator
    `softplus(D(x) - D(G(z)))`, means over the pairs of a batch. R3GAN
    (Huang et al., 2024, "The GAN is dead; long live the GAN! A Modern GAN
    Baseline") trains it with zero-centred gradient penalties on both real and
    generated images: `GAN.compile(loss="relativistic", r1_penalty=gamma,
    r2_penalty=gamma)`.

    Example:

    ```python
    from keras import ops
    import keras_gen as kg

    loss = kg.losses.RelativisticLoss()
    real, fake = ops.full((8, 1), 2.0), ops.zeros((8, 1))
    float(loss.discriminator_loss(real, fake))  # softplus(-2) = 0.127...
    float(loss.generator_loss(fake, real))      # softplus(2) = 2.127...
    ```
    """

    relativistic = True

    def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
        difference = at_least_float32(fake_logits) - at_least_float32(real_logits)
        return ops.mean(ops.softplus(difference))

    def generator_loss(self, fake_logits, real_logits=None):
        if real_logits is None:
            raise ValueError(
                "The relativistic loss compares generated images with real "
                "ones: pass `real_logits`, the discriminator's outputs on the "
                "batch's real images."
            )
        difference = at_least_float32(real_logits) - at_least_float32(fake_logits)
        return ops.mean(ops.softplus(difference))


ALIASES = {
    "non_saturating": NonSaturatingLoss,
    "minimax": MinimaxLoss,
    "least_squares": LeastSquaresLoss,
    "hinge": HingeLoss,
    "wasserstein": WassersteinLoss,
    "relativistic": RelativisticLoss,
}


def get(identifier):
    """Returns an `AdversarialLoss` from a name, a config dict or an instance.

    Args:
        identifier: one of `"non_saturating"`, `"minimax"`, `"least_squares"`,
            `"hinge"`, `"wasserstein"`, `"relativistic"`; a dict made by
            `serialize`; or an `AdversarialLoss` instance, returned unchanged.

    Raises:
        ValueError: for an unknown name, naming the closest known ones.
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str):
        if identifier in ALIASES:
            return ALIASES[identifier]()
        close = difflib.get_close_matches(identifier, ALIASES, n=2)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"Unknown adversarial loss {identifier!r}.{hint} Known losses: "
            f"{', '.join(ALIASES)}; or pass a kg.losses.AdversarialLoss "
            "instance."
        )
    raise TypeError(
        "`loss` must be a loss name or a kg.losses.AdversarialLoss instance; "
        f"got {identifier!r} of type {type(identifier).__name__}."
    )


def serialize(loss):
    """Returns the name of a built-in loss, or a config dict for another one."""
    for name, cls in ALIASES.items():
        if type(loss) is cls:
            return name
    return keras.saving.serialize_keras_object(loss)
