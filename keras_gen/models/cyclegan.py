"""CycleGAN: translation between two domains learned without pairs."""

import keras
import numpy as np
from keras import ops

from keras_gen import backend, networks, validation
from keras_gen import losses as losses_module
from keras_gen.conditions import Condition
from keras_gen.datasets.spec import DataSpec
from keras_gen.evaluation import metrics
from keras_gen.evaluation.evaluate import Evaluator
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.optimizers import (
    combined_optimizer,
    default_optimizer,
    resolve_pair,
)
from keras_gen.visualization import with_channels

#: The paper's loss, least squares (Mao et al., 2017).
DEFAULT_LOSS = "least_squares"
#: Examples per grid row.
GRID_COLUMNS = 8
#: Directions of `translate(to=...)`: the domain translated into.
DOMAINS = ("a", "b")


@keras.saving.register_keras_serializable(package="keras_gen")
class CycleGAN(GenerativeModel):
    """Unpaired image-to-image translation (Zhu et al., 2017, "Unpaired
    Image-to-Image Translation using Cycle-Consistent Adversarial Networks").

    Two generators translate between domains A and B (`generator_ab`: A to
    B, `generator_ba`: B to A) and two discriminators judge each domain
    (`discriminator_a`, `discriminator_b`). No image of one domain has a
    counterpart in the other: the generators learn from the discriminators
    that their outputs look like the target domain, and from the
    cycle-consistency loss that translating there and back returns the
    input, `G_BA(G_AB(a)) = a` and `G_AB(G_BA(b)) = b`, so the content
    survives. The identity loss, `G_AB(b) = b` and `G_BA(a) = a`, keeps
    colours that need not change (it needs both domains to have the same
    channels).

    `fit()` takes batches of `(images_a, images_b)` that need not
    correspond (`kg.datasets.unpaired_from_numpy`,
    `unpaired_from_directories`, `mnist_unpaired`). Per batch, as in the
    paper's code: one update of both generators with one optimizer, on the
    adversarial losses plus `cycle_weight` times the two cycle L1 losses
    plus `identity_weight` times the two identity L1 losses; then one update
    of both discriminators with the other, each on its domain's real images
    against generated ones drawn through a history of earlier generated
    images (Shrivastava et al., 2017): once `history_size` images are kept,
    each generated image is, with probability 1/2, swapped for a kept one
    it replaces. The history is model state: saved in `.keras` files and
    checkpoints, so a resumed run continues exactly. All randomness comes
    from the model's `seed_generator`.

    Logged metrics are epoch means: `d_loss` (both discriminators), `g_loss`
    (both generators' adversarial losses), `cycle_a` and `cycle_b` (the
    mean absolute differences of A to B to A and of B to A to B, in
    `value_range` units) and, with an identity loss, `identity_a` and
    `identity_b`.

    As a `GenerativeModel`, its condition is an image of domain A (named
    `images_a`) and what it generates is the translation into B:
    `generate(images_a=...)` equals `translate(..., to="b")`. Exports serve
    both directions: `a_to_b` (also `serving_default`) maps `images_a` to
    `images`, `b_to_a` maps `images_b` to `images`.

    The paper's least-squares loss here halves its squares
    (`kg.losses.LeastSquaresLoss`), so against the cycle term the
    adversarial term weighs half what it does in the paper's code.

    Args:
        image_shape: `(height, width, channels)` of domain A's images; each
            side divisible by 4 for the built generators. Default
            `(28, 28, 1)`.
        channels_b: channels of domain B's images (same height and width);
            default A's.
        base_filters: width of the built networks. Default 64, the paper's.
        residual_blocks: residual blocks of the built generators. Default
            9, the paper's for 256x256 (6 for 128x128).
        cycle_weight: weight of each cycle-consistency L1 loss. Default 10,
            the paper's.
        identity_weight: weight of each identity L1 loss. `"auto"`
            (default): half of `cycle_weight`, the paper's, when both
            domains have the same channels, else 0 (a generator cannot
            take images of its own output domain).
        history_size: generated images kept per domain for the
            discriminators. Default 50, the paper's; 0 shows them only the
            newest.
        generator_ab: optional network from domain A's images to domain
            B's, replacing the built `kg.networks.resnet_generator`.
        generator_ba: optional network from B's images to A's.
        discriminator_a: optional network from domain A's images to logits
            (one, or a grid of patch logits), replacing the built
            `kg.networks.patchgan_discriminator` (with instance
            normalization).
        discriminator_b: optional network from B's images to logits.
        value_range: `(low, high)` of both domains' images. Default `(-1, 1)`.
        seed: optional int seeding the model's `seed_generator`.
        **kwargs: passed to `GenerativeModel` and `keras.Model` (`name`).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    a = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    b = np.random.uniform(-1, 1, (32, 28, 28, 3)).astype("float32")
    cyclegan = kg.CycleGAN(image_shape=(28, 28, 1), channels_b=3,
                           base_filters=4, residual_blocks=1)
    cyclegan.compile()
    cyclegan.fit(a, b, batch_size=16, epochs=1, verbose=0)
    cyclegan.translate(a[:4], to="b").shape  # (4, 28, 28, 3)
    cyclegan.translate(b[:4], to="a").shape  # (4, 28, 28, 1)
    ```
    """

    network_arguments = (
        "generator_ab",
        "generator_ba",
        "discriminator_a",
        "discriminator_b",
    )

    presets = {
        "mnist": {
            "description": "The MNIST translation task (kg.datasets."
            "mnist_unpaired: digits, and other digits in colour with wider "
            "strokes): generators of width 16 with 3 residual blocks, "
            "discriminators of width 16, the paper's losses and weights.",
            "data": "mnist",
            "config": {
                "image_shape": (28, 28, 1),
                "channels_b": 3,
                "base_filters": 16,
                "residual_blocks": 3,
            },
        },
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        channels_b=None,
        base_filters=64,
        residual_blocks=9,
        cycle_weight=10.0,
        identity_weight="auto",
        history_size=50,
        generator_ab=None,
        generator_ba=None,
        discriminator_a=None,
        discriminator_b=None,
        value_range=(-1.0, 1.0),
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        image_shape = validation.check_shape(image_shape, "image_shape")
        if channels_b is not None:
            validation.check_count(channels_b, "channels_b")
        validation.check_range(value_range, "value_range")
        validation.check_count(history_size, "history_size", minimum=0)
        self.image_shape_a = tuple(image_shape)
        self.channels_b = int(channels_b or image_shape[-1])
        self.image_shape_b = self.image_shape_a[:2] + (self.channels_b,)
        self.cycle_weight = _weight(cycle_weight, "cycle_weight")
        same_channels = self.channels_b == self.image_shape_a[-1]
        if identity_weight == "auto":
            identity_weight = 0.5 * self.cycle_weight if same_channels else 0.0
        self.identity_weight = _weight(identity_weight, "identity_weight")
        if self.identity_weight and not same_channels:
            raise ValueError(
                f"The identity loss feeds each generator images of its output "
                f"domain, but domain A has {self.image_shape_a[-1]} channels "
                f"and domain B {self.channels_b}; pass identity_weight=0."
            )
        self.base_filters = base_filters
        self.residual_blocks = residual_blocks
        self.history_size = int(history_size)
        low, high = value_range
        self.value_range = (float(low), float(high))
        self.latent_dim = 0

        # === Networks ===
        def generator(shape, channels, name):
            return networks.resnet_generator(
                shape,
                output_channels=channels,
                base_filters=base_filters,
                residual_blocks=residual_blocks,
                name=name,
            )

        def discriminator(shape, name):
            return networks.patchgan_discriminator(
                shape, base_filters=base_filters, normalization="instance", name=name
            )

        self.generator_ab = generator_ab or generator(
            self.image_shape_a, self.channels_b, "generator_ab"
        )
        self.generator_ba = generator_ba or generator(
            self.image_shape_b, self.image_shape_a[-1], "generator_ba"
        )
        self.discriminator_a = discriminator_a or discriminator(
            self.image_shape_a, "discriminator_a"
        )
        self.discriminator_b = discriminator_b or discriminator(
            self.image_shape_b, "discriminator_b"
        )
        self.condition = Condition(
            self.image_shape_a, name="images_a", value_range=self.value_range
        )

        # === Metric trackers: names equal the keys train_step returns ===
        names = ["d_loss", "g_loss", "cycle_a", "cycle_b"]
        if self.identity_weight:
            names += ["identity_a", "identity_b"]
        self.loss_trackers = [keras.metrics.Mean(name=name) for name in names]

    def build(self, input_shape=None):
        for network, shape, expected, what in (
            (self.generator_ab, self.image_shape_a, self.image_shape_b, "generator_ab"),
            (self.generator_ba, self.image_shape_b, self.image_shape_a, "generator_ba"),
        ):
            output = network(keras.KerasTensor((None,) + shape))
            if tuple(output.shape[1:]) != expected:
                raise ValueError(
                    f"`{what}` maps {shape} images to {tuple(output.shape[1:])}; "
                    f"a CycleGAN with these domains needs {expected}."
                )
        self.discriminator_a(keras.KerasTensor((None,) + self.image_shape_a))
        self.discriminator_b(keras.KerasTensor((None,) + self.image_shape_b))
        self.image_shape = self.image_shape_b
        # The histories of generated images, and how full they are: model
        # state, so that a resumed run shows the discriminators the same ones.
        self.history_a = self.add_weight(
            shape=(self.history_size,) + self.image_shape_a,
            initializer="zeros",
            trainable=False,
            name="history_a",
        )
        self.history_b = self.add_weight(
            shape=(self.history_size,) + self.image_shape_b,
            initializer="zeros",
            trainable=False,
            name="history_b",
        )
        self.history_filled = self.add_weight(
            shape=(),
            dtype="int32",
            initializer="zeros",
            trainable=False,
            name="history_filled",
        )

    # --- The data -----------------------------------------------------------

    def unpack_batch(self, data):
        """Reads a batch of `(images_a, images_b)` as `(images_b, images_a)`:
        B's images are what the model generates, A's its condition."""
        images_a, images_b, _ = keras.utils.unpack_x_y_sample_weight(data)
        if images_b is None:
            raise ValueError(
                "CycleGAN trains on unpaired batches of (images_a, images_b), "
                "e.g. fit(images_a, images_b) or a dataset from "
                "kg.datasets.unpaired_from_numpy; got one set of images."
            )
        return images_b, images_a

    @property
    def training_data(self):
        """Unpaired batches of `(images_a, images_b)` in `value_range`."""
        return DataSpec(kind="unpaired", value_range=self.value_range)

    # --- Compile ------------------------------------------------------------

    @property
    def _generator_variables(self):
        return (
            self.generator_ab.trainable_variables
            + self.generator_ba.trainable_variables
        )

    @property
    def _discriminator_variables(self):
        return (
            self.discriminator_a.trainable_variables
            + self.discriminator_b.trainable_variables
        )

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss=DEFAULT_LOSS,
        check_data=True,
        **kwargs,
    ):
        """Configures the training.

        Args:
            d_optimizer: optimizer (instance, name or config) of both
                discriminators. Default `Adam(2e-4, beta_1=0.5)`, the paper's.
            g_optimizer: optimizer of both generators; a different instance.
                Default `Adam(2e-4, beta_1=0.5)`.
            loss: the adversarial loss: `"least_squares"` (default, the
                paper's), `"non_saturating"`, `"hinge"`, `"relativistic"`,
                ... or a `kg.losses.AdversarialLoss`.
            check_data: check every batch in the train step (both domains'
                range) and stop `fit()` at the first bad one. Default True.
            **kwargs: passed to `keras.Model.compile`: `jit_compile`,
                `steps_per_execution`, `run_eagerly`, `auto_scale_loss`.
        """
        for name in ("optimizer", "metrics", "loss_weights", "weighted_metrics"):
            if name in kwargs:
                raise TypeError(
                    f"CycleGAN.compile() does not take `{name}`: it has "
                    "`d_optimizer` and `g_optimizer`, and logs its own metrics."
                )
        if backend.is_distributed():
            raise NotImplementedError(
                "CycleGAN trains on one device: its history of generated "
                "images is not shared between replicas. Compile it outside "
                "a distribution strategy."
            )
        self.adversarial_loss = losses_module.get(loss)
        self.d_optimizer, self.g_optimizer = resolve_pair(
            default_optimizer() if d_optimizer is None else d_optimizer,
            self._discriminator_variables,
            default_optimizer() if g_optimizer is None else g_optimizer,
            self._generator_variables,
            kwargs.pop("auto_scale_loss", True),
        )
        self.check_data = validation.check_flag(check_data, "check_data")
        self._compile_kwargs = dict(kwargs)
        super().compile(
            optimizer=combined_optimizer(
                self.d_optimizer,
                self._discriminator_variables,
                self.g_optimizer,
                self._generator_variables,
            ),
            loss=None,
            auto_scale_loss=False,
            **kwargs,
        )

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_module.serialize(self.adversarial_loss),
            "check_data": self.check_data,
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        self.compile(**config)

    @property
    def metrics(self):
        return self.loss_trackers + [self.data_check_tracker]

    # --- The train step -------------------------------------------------------

    def fit(self, *args, **kwargs):
        backend.require_adversarial_training()
        return super().fit(*args, **kwargs)

    def evaluate(self, *args, **kwargs):
        backend.require_adversarial_training()
        return super().evaluate(*args, **kwargs)

    def train_step(self, *args):
        """`cycle_step`, run as the active backend's trainer runs a step."""
        return backend.train_step(self, self.cycle_step, args)

    def test_step(self, *args):
        """The losses on a batch, without updating anything."""
        return backend.test_step(self, self._test_batch, args)

    def cycle_step(self, data):
        """One update of both generators, then of both discriminators; returns
        the logs."""
        real_b, real_a = self._checked_batch(data)
        _, (fake_a, fake_b, logs) = backend.minimize(
            self.g_optimizer,
            lambda: self._generator_objective(real_a, real_b, training=True),
            self._generator_variables,
        )
        fake_a, fake_b = self._through_history(
            ops.stop_gradient(fake_a), ops.stop_gradient(fake_b)
        )
        d_loss, _ = backend.minimize(
            self.d_optimizer,
            lambda: self._discriminator_objective(
                real_a, real_b, fake_a, fake_b, training=True
            ),
            self._discriminator_variables,
        )
        self.optimizer.iterations.assign_add(1)
        return self._update_metrics(d_loss, logs)

    def _test_batch(self, data):
        real_b, real_a = self._checked_batch(data)
        _, (fake_a, fake_b, logs) = self._generator_objective(
            real_a, real_b, training=False
        )
        d_loss, _ = self._discriminator_objective(
            real_a, real_b, fake_a, fake_b, training=False
        )
        return self._update_metrics(d_loss, logs)

    def _checked_batch(self, data):
        real_b, real_a = self.unpack_batch(data)
        self._check_images(real_b)
        validation.check_image_shape(
            tuple(real_a.shape), self.image_shape_a, "CycleGAN (domain A)"
        )
        self._check_batch_in_graph(real_b, real_a)
        return ops.cast(real_b, "float32"), ops.cast(real_a, "float32")

    def _adversarial(self, discriminator, fake, real, training):
        """A generator's adversarial loss against `discriminator`."""
        fake_logits = discriminator(fake, training=training)
        if not self.adversarial_loss.relativistic:
            return self.adversarial_loss.generator_loss(fake_logits)
        real_logits = discriminator(ops.cast(real, fake.dtype), training=training)
        return self.adversarial_loss.generator_loss(fake_logits, real_logits)

    def _generator_objective(self, real_a, real_b, training):
        """`(loss, (fake_a, fake_b, logs))` of the generators' update."""
        fake_b = self.generator_ab(real_a, training=training)
        fake_a = self.generator_ba(real_b, training=training)
        cycle_a = _l1(self.generator_ba(fake_b, training=training), real_a)
        cycle_b = _l1(self.generator_ab(fake_a, training=training), real_b)
        adversarial = self._adversarial(
            self.discriminator_b, fake_b, real_b, training
        ) + self._adversarial(self.discriminator_a, fake_a, real_a, training)
        loss = adversarial + self.cycle_weight * (cycle_a + cycle_b)
        logs = {"g_loss": adversarial, "cycle_a": cycle_a, "cycle_b": cycle_b}
        if self.identity_weight:
            identity_a = _l1(self.generator_ba(real_a, training=training), real_a)
            identity_b = _l1(self.generator_ab(real_b, training=training), real_b)
            loss = loss + self.identity_weight * (identity_a + identity_b)
            logs.update(identity_a=identity_a, identity_b=identity_b)
        return loss, (fake_a, fake_b, logs)

    def _discriminator_objective(self, real_a, real_b, fake_a, fake_b, training):
        """`(loss, None)` of the discriminators' update: each on its domain."""
        loss = 0.0
        for discriminator, real, fake in (
            (self.discriminator_a, real_a, fake_a),
            (self.discriminator_b, real_b, fake_b),
        ):
            loss = loss + self.adversarial_loss.discriminator_loss(
                discriminator(ops.cast(real, fake.dtype), training=training),
                discriminator(fake, training=training),
            )
        return loss, None

    def _through_history(self, fake_a, fake_b):
        """The generated images the discriminators see: each domain's batch
        through its history (see the class docstring); updates the histories."""
        if not self.history_size:
            return fake_a, fake_b
        filled = self.history_filled.value
        fake_a = self._swap(self.history_a, fake_a, filled)
        fake_b = self._swap(self.history_b, fake_b, filled)
        count = ops.shape(fake_a)[0]
        self.history_filled.assign(
            ops.minimum(self.history_size, filled + ops.cast(count, "int32"))
        )
        return fake_a, fake_b

    def _swap(self, history, images, filled):
        """The paper's image pool for a batch at once. While the history is
        filling, images are stored and shown; then each image is, with
        probability 1/2, shown in place of a stored one that it replaces. Two
        images of a batch drawn to one slot both show the stored image; the
        later one is stored."""
        size = self.history_size
        count = ops.shape(images)[0]
        order = ops.arange(count, dtype="int32")
        slots = filled + order
        filling = slots < size
        draws = keras.random.uniform((count,), seed=self.seed_generator)
        picks = ops.cast(
            ops.floor(keras.random.uniform((count,), seed=self.seed_generator) * size),
            "int32",
        )
        picks = ops.minimum(picks, size - 1)
        swap = ops.logical_and(ops.logical_not(filling), draws < 0.5)
        kept = ops.cast(ops.take(history, picks, axis=0), images.dtype)
        per_image = (-1,) + (1,) * (len(images.shape) - 1)
        shown = ops.where(ops.reshape(swap, per_image), kept, images)
        targets = ops.where(filling, slots, picks)
        writes = ops.logical_or(filling, swap)
        hits = ops.logical_and(
            ops.equal(targets[None, :], ops.arange(size, dtype="int32")[:, None]),
            writes[None, :],
        )
        last = ops.max(ops.where(hits, order[None, :] + 1, 0), axis=1)
        stored = ops.take(images, ops.maximum(last - 1, 0), axis=0)
        per_slot = (-1,) + (1,) * (len(images.shape) - 1)
        history.assign(
            ops.where(
                ops.reshape(last > 0, per_slot),
                ops.cast(stored, history.dtype),
                history.value,
            )
        )
        return shown

    def _update_metrics(self, d_loss, logs):
        logs = {"d_loss": d_loss, **logs}
        for tracker in self.loss_trackers:
            tracker.update_state(logs[tracker.name])
        return {tracker.name: tracker.result() for tracker in self.metrics}

    # --- Inference ----------------------------------------------------------

    def call(self, inputs, training=False):
        """Translates images of domain A into domain B."""
        return self.generator_ab(inputs, training=training)

    def generate_images(self, noise, condition=None):
        """The translations into B of `condition`, images of domain A
        (`noise` is empty: the generators take none)."""
        return self.generator_ab(condition, training=False)

    def translate(self, images, to="b", batch_size=256):
        """Translates images into domain `to`, as numpy in `value_range`.

        Args:
            images: `(N, H, W, C)` images of the other domain, in
                `value_range`.
            to: `"b"` (default) translates A's images into B, `"a"` B's
                into A.
            batch_size: images per forward pass.
        """
        validation.check_choice(to, "to", DOMAINS)
        validation.check_count(batch_size, "batch_size")
        network, source = (
            (self.generator_ab, self.image_shape_a)
            if to == "b"
            else (self.generator_ba, self.image_shape_b)
        )
        images = np.asarray(images, dtype="float32")
        validation.check_image_shape(
            images.shape, source, f"CycleGAN.translate(to={to!r})"
        )
        outputs = [
            ops.convert_to_numpy(network(images[start : start + batch_size]))
            for start in range(0, len(images), batch_size)
        ]
        if not outputs:
            target = self.image_shape_b if to == "b" else self.image_shape_a
            return np.zeros((0,) + target, dtype="float32")
        return np.concatenate(outputs)

    # --- What the tools show, serve and score --------------------------------

    def grid_images(self, inputs):
        """Rows A | A to B | A to B to A, then B | B to A | B to A to B, for up
        to 8 real examples of each domain (the grid's `example_condition` and
        `example_images`: those of the first batch `fit()` trained on, or
        `ImageGrid(examples=(images_a, images_b))`)."""
        if "example_images" not in inputs:
            raise ValueError(
                "A CycleGAN grid shows translations of real images, and none "
                "are known: fit() keeps those of its first batch, or pass "
                "`examples=(images_a, images_b)` to ImageGrid."
            )
        images_a = np.asarray(inputs["example_condition"])
        images_b = np.asarray(inputs["example_images"])
        columns = min(len(images_a), len(images_b), GRID_COLUMNS)
        images_a, images_b = images_a[:columns], images_b[:columns]
        to_b = self.translate(images_a, to="b")
        to_a = self.translate(images_b, to="a")
        rows = [
            images_a,
            to_b,
            self.translate(to_b, to="a"),
            images_b,
            to_a,
            self.translate(to_a, to="b"),
        ]
        channels = max(self.image_shape_a[-1], self.channels_b)
        return np.concatenate([with_channels(r, channels) for r in rows]), columns

    def serving_endpoints(self):
        """`a_to_b` (also `serving_default`): `images_a` to `images`, their
        translations into B; `b_to_a`: `images_b` to `images`."""

        def to_b(tensors):
            return {"images": self.generator_ab(tensors["images_a"], training=False)}

        def to_a(tensors):
            return {"images": self.generator_ba(tensors["images_b"], training=False)}

        return {
            "a_to_b": (to_b, {"images_a": self.condition.spec}),
            "b_to_a": (
                to_a,
                {"images_b": keras.KerasTensor((None,) + self.image_shape_b)},
            ),
        }

    def heldout_metrics(self, data, seed=0, labels_a=None, labels_b=None):
        """Figures of both directions on held-out images of both domains.

        `data` is `(images_a, images_b)` in `value_range`, unpaired. Always:
        `cycle_l1_a` and `cycle_l1_b`, the mean absolute difference between
        images and their round trip (A to B to A, B to A to B) on images
        mapped to [0, 1]. For a direction whose outputs the bundled MNIST
        classifier scores (28x28x1): `frechet_distance_b_to_a` (or
        `_a_to_b`), the Fréchet distance of the translations to the target
        domain's held-out images in the classifier's features, and with the
        sources' labels (`labels_b` for B to A, `labels_a` for A to B)
        `label_accuracy_b_to_a`, how often the classifier reads the source's
        class in its translation. `seed` is unused: translation is
        deterministic.
        """
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "CycleGAN is evaluated on held-out images of both domains: "
                "pass test_data=(images_a, images_b)."
            )
        images_a, images_b = (np.asarray(d, dtype="float32") for d in data)
        validation.check_image_shape(images_a.shape, self.image_shape_a, "Domain A")
        validation.check_image_shape(images_b.shape, self.image_shape_b, "Domain B")
        for labels, images, name in (
            (labels_a, images_a, "labels_a"),
            (labels_b, images_b, "labels_b"),
        ):
            if labels is not None and len(labels) != len(images):
                raise ValueError(
                    f"Got {len(labels)} {name} for {len(images)} images; give "
                    "one label per image."
                )
        low, high = self.value_range

        def unit(images):
            return np.clip((images - low) / (high - low), 0.0, 1.0)

        to_b = self.translate(images_a, to="b")
        to_a = self.translate(images_b, to="a")
        figures = {
            "cycle_l1_a": metrics.mean_absolute_error(
                unit(self.translate(to_b, to="a")), unit(images_a)
            ),
            "cycle_l1_b": metrics.mean_absolute_error(
                unit(self.translate(to_a, to="b")), unit(images_b)
            ),
        }
        for name, translations, target, labels in (
            ("b_to_a", to_a, images_a, labels_b),
            ("a_to_b", to_b, images_b, labels_a),
        ):
            if tuple(target.shape[1:]) != (28, 28, 1):
                continue
            evaluator = Evaluator(reference_images=unit(target))
            scores = evaluator.score_images(
                unit(translations), labels, detail=False, seed=seed
            )
            figures[f"frechet_distance_{name}"] = scores["frechet_distance"]
            if labels is not None:
                figures[f"label_accuracy_{name}"] = scores["label_accuracy"]
        return figures

    # --- Serialization ------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape_a),
                "channels_b": self.channels_b,
                "base_filters": self.base_filters,
                "residual_blocks": self.residual_blocks,
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "history_size": self.history_size,
                "value_range": list(self.value_range),
            }
        )
        return config


def _weight(value, name):
    if isinstance(value, bool) or not (isinstance(value, (int, float)) and value >= 0):
        raise ValueError(f"`{name}` must be a number >= 0; got {value!r}.")
    return float(value)


def _l1(outputs, targets):
    """The mean absolute difference, in float32."""
    return ops.mean(
        ops.abs(ops.cast(outputs, "float32") - ops.cast(targets, "float32"))
    )
