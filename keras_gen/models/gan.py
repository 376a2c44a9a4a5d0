"""GAN: any generator and discriminator, trained with `compile()` and `fit()`."""

import inspect

import keras
from keras import ops

from keras_gen import augment, backend, penalties, validation
from keras_gen import losses as losses_module
from keras_gen.models import adversarial_options as options
from keras_gen.models import weight_average
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.optimizers import (
    KERAS_BETA_2,
    PAPER_BETA_1,
    PAPER_LEARNING_RATE,
    combined_optimizer,
    default_optimizer,
    resolve_pair,
)

#: The loss `compile(loss="auto")` takes without a preset's.
DEFAULT_LOSS = "non_saturating"


def adversarial_logits(output):
    """The real/fake logits in a discriminator output (its first output)."""
    if isinstance(output, (list, tuple)):
        return output[0]
    return output


@keras.saving.register_keras_serializable(package="keras_gen")
class GAN(GenerativeModel):
    """A generative adversarial network built from any generator and discriminator.

    `fit()` runs the alternating update. Per batch, in this order
    (`adversarial_step`): draw noise and generate images; `d_steps`
    discriminator updates on the real batch and generated images; one
    generator update; the moving average of its weights; the metrics. Each
    update has its own optimizer and touches only its own network's
    variables. The generator update scores the images of the last
    discriminator update again, with the updated discriminator, through the
    forward pass that made them, so a step runs the generator forward once
    (`compile(reuse_fake_images=False)` generates anew for it, the default
    where TensorFlow compiles the step with XLA). All
    randomness comes from the model's `seed_generator`.

    Logged metrics are epoch means: `d_loss`, `g_loss`, and for losses with a
    probability reading (`"non_saturating"`, `"minimax"`) `real_score`, the
    mean D(x), and `fake_score`, the mean D(G(z)). At the ideal end point both
    scores are 0.5.

    The generator maps noise `(batch, latent_dim)` to images
    `(batch, H, W, C)` in `value_range` (a `tanh` output gives the default
    `(-1, 1)`); the discriminator maps images to one logit per image (no
    sigmoid). When the discriminator returns several outputs, the first is
    the real/fake logit used for the loss, the scores and the penalties.

    Hooks a subclass overrides (`docs/concepts.md` has one example of each
    group; `CGAN`, `Pix2Pix` and the AC-GAN example are written on them):

    - the condition: set `self.condition` (a `kg.conditions.Condition`) in
      the constructor, before or after `super().__init__()`;
    - the batch: `unpack_batch(data) -> (images, condition)`;
    - the networks' inputs: `generator_inputs(noise, condition)` and
      `discriminator_inputs(images, condition)`; by default the noise and
      the images, each with the condition in a list for a conditional model;
    - the objective: `discriminator_loss(real_output, fake_output,
      condition)`, `generator_loss(fake_output, condition)`,
      `generator_terms(fake_images, real_images, condition)` with
      `generator_term_names`, and `compile_defaults(loss)`;
    - the tools: `grid_images`, `serving_endpoints`, `heldout_metrics`
      (see `GenerativeModel`).

    Args:
        generator: a `keras.Model` (or layer) from noise to images.
        discriminator: a `keras.Model` (or layer) from images to logits.
        latent_dim: size of the noise vector; 0 for a conditional generator
            that takes no noise (`Pix2Pix`, whose noise is dropout).
        ema: optional decay in (0, 1), e.g. `0.999`, of an exponential moving
            average of the generator's weights. When set, `generate()`,
            `call()` and exports use the averaged weights. Early steps use a
            smaller decay, `min(ema, (1 + t) / (10 + t))`, so the average is
            useful from the start. Default `None`: no average.
        value_range: `(low, high)` of the generator's outputs, which the
            training images must match. Default `(-1, 1)`.
        seed: optional int seeding the model's `seed_generator`.
        **kwargs: passed to `GenerativeModel` and `keras.Model` (`preset`,
            `name`, `dtype`).

    Example:

    ```python
    import keras
    import numpy as np
    import keras_gen as kg

    generator = kg.networks.mlp_generator(latent_dim=8, image_shape=(4, 4, 1))
    discriminator = kg.networks.mlp_discriminator(image_shape=(4, 4, 1))
    gan = kg.GAN(generator=generator, discriminator=discriminator, latent_dim=8)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4),
        g_optimizer=keras.optimizers.Adam(2e-4),
        loss="non_saturating",
    )
    images = np.random.uniform(-1, 1, (64, 4, 4, 1)).astype("float32")
    history = gan.fit(images, batch_size=16, epochs=1, verbose=0)
    samples = gan.generate(4, seed=0)  # numpy, shape (4, 4, 4, 1), in [-1, 1]
    ```
    """

    network_arguments = ("generator", "discriminator")

    presets = {
        "mlp": {
            "description": "The classic MLP GAN of MNIST scripts: 64 noise "
            "dimensions, two hidden layers of 256 units in each network "
            "(kg.networks.mlp_generator, mlp_discriminator), Adam(2e-4, "
            "beta_1=0.5).",
            "networks": "mlp",
            "config": {
                "image_shape": (28, 28, 1),
                "latent_dim": 64,
                "hidden_units": (256, 256),
            },
        },
        "r3gan": {
            "description": "R3GAN (Huang et al., 2024) sized for a CPU: its "
            "residual networks without normalization, 64, 32 and 16 channels "
            "at 7x7, 14x14 and 28x28 and one block per resolution "
            "(kg.networks.r3gan_generator, r3gan_discriminator), the "
            "relativistic loss with R1 and R2 on 16 images, Adam(2e-4, "
            "beta_1=0, beta_2=0.99) and an average of the generator's weights.",
            "networks": "r3gan",
            "config": {
                "image_shape": (28, 28, 1),
                "latent_dim": 64,
                "widths": (64, 32, 16),
                "blocks_per_stage": 1,
                "ema": 0.999,
            },
            "compile": {
                "loss": "relativistic",
                "r1_penalty": 0.05,
                "r2_penalty": 0.05,
                "r1_batch_size": 16,
                "beta_1": 0.0,
                "beta_2": 0.99,
            },
        },
    }

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        ema=None,
        value_range=(-1.0, 1.0),
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        validation.check_count(latent_dim, "latent_dim", minimum=0)
        if ema is not None and not 0.0 < ema < 1.0:
            raise ValueError(
                f"`ema` is the decay of a moving average and must lie in "
                f"(0, 1), e.g. 0.999; got {ema!r}. Pass None to disable it."
            )
        validation.check_range(value_range, "value_range")
        low, high = value_range

        # === Networks ===
        self.generator = generator
        self.discriminator = discriminator

        # === Config ===
        self.latent_dim = int(latent_dim)
        self.ema = ema
        self.value_range = (float(low), float(high))

        # === Metric trackers: names equal the keys train_step returns ===
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        self.term_trackers = [
            keras.metrics.Mean(name=name) for name in self.generator_term_names
        ]
        self.augment_probability_tracker = keras.metrics.Mean(
            name="augment_probability"
        )
        self.augmentation = None  # until compile()

    @classmethod
    def from_preset(cls, name, **kwargs):
        """A model in the named configuration; `kwargs` override its arguments.

        A preset with `"networks"` builds its networks with that family of
        `kg.networks` builders (`"mlp"`: `mlp_generator` and
        `mlp_discriminator`; `"r3gan"`: `r3gan_generator` and
        `r3gan_discriminator`), each given the configuration's arguments it
        takes (`image_shape`, `latent_dim`, `hidden_units`, `width`, ...);
        the rest go to the constructor (`latent_dim`, `ema`, `seed`). Other
        presets are constructor arguments (see
        `GenerativeModel.from_preset`).

        Args:
            name: a key of `presets` (see `list_presets()`).
            **kwargs: arguments that replace the preset's.
        """
        preset = cls.presets.get(name, {})
        family = preset.get("networks")
        if family is None:
            return super().from_preset(name, **kwargs)
        from keras_gen import networks

        config = {**preset["config"], **kwargs}
        built, used = [], set()
        for builder in (f"{family}_generator", f"{family}_discriminator"):
            build = getattr(networks, builder)
            takes = set(inspect.signature(build).parameters) - {"name"}
            built.append(build(**{k: v for k, v in config.items() if k in takes}))
            used |= takes
        # The noise size sizes the generator and is the model's too.
        constructor = {
            k: v for k, v in config.items() if k not in used or k == "latent_dim"
        }
        return cls(*built, preset=name, **constructor)

    def build(self, input_shape=None):
        if self.latent_dim == 0 and self.condition is None:
            raise ValueError(
                "latent_dim=0 leaves an unconditional generator without any "
                "input; give it noise, e.g. latent_dim=100."
            )
        noise = keras.KerasTensor((None, self.latent_dim))
        condition = None if self.condition is None else self.condition.spec
        generator_inputs = self.generator_inputs(noise, condition)
        validation.check_network_inputs(
            self.generator,
            generator_inputs,
            "generator",
            f"the noise (latent_dim={self.latent_dim}) and the condition",
            "Pass the latent_dim (and condition) the generator was built for, "
            "or build the generator for these.",
        )
        images = self.generator(generator_inputs)
        if not isinstance(images, keras.KerasTensor):
            raise ValueError(
                "The generator must return a single tensor of images; got "
                f"{type(images).__name__}."
            )
        discriminator_inputs = self.discriminator_inputs(images, condition)
        validation.check_network_inputs(
            self.discriminator,
            discriminator_inputs,
            "discriminator",
            "the generator's images (and the condition)",
            "Build both networks for the same image_shape.",
        )
        scores = self.discriminator(discriminator_inputs)
        if isinstance(scores, keras.KerasTensor):
            validation.check_scores(scores, "discriminator")
        self.image_shape = tuple(images.shape[1:])
        # The chance each augmentation is applied (`compile(augmentation=)`):
        # model state, which ADA adjusts in the train step.
        self.augment_probability = self.add_weight(
            shape=(),
            initializer="zeros",
            trainable=False,
            name="augment_probability",
            aggregation="only_first_replica",
        )
        self._ema_weights = []
        if self.ema is not None:
            self._ema_weights = weight_average.create_averages(self, self.generator)

    # --- Hooks: the networks' inputs ----------------------------------------

    def generator_inputs(self, noise, condition):
        """What the generator is called on: the noise, and `[noise,
        condition]` for a conditional model."""
        return noise if condition is None else [noise, condition]

    def discriminator_inputs(self, images, condition):
        """What the discriminator is called on: the images, and `[images,
        condition]` for a conditional model."""
        return images if condition is None else [images, condition]

    # --- Hooks: the objective -------------------------------------------------

    def discriminator_loss(self, real_output, fake_output, condition):
        """The discriminator's loss, before the gradient penalties."""
        return self.adversarial_loss.discriminator_loss(
            adversarial_logits(real_output),
            adversarial_logits(fake_output),
            real_label=1.0 - self.label_smoothing,
        )

    def generator_loss(self, fake_output, condition, real_output=None):
        """The generator's adversarial loss.

        `real_output`, the discriminator's output on the batch's real
        images, is computed and passed only for a relativistic loss
        (`kg.losses.RelativisticLoss`); an override that does not use it may
        leave it out of its signature.
        """
        real_logits = None if real_output is None else adversarial_logits(real_output)
        if real_logits is None:
            return self.adversarial_loss.generator_loss(adversarial_logits(fake_output))
        return self.adversarial_loss.generator_loss(
            adversarial_logits(fake_output), real_logits
        )

    #: Names of the values `generator_terms` logs, in order; each is logged
    #: as its epoch mean under its name.
    generator_term_names = ()

    def generator_terms(self, fake_images, real_images, condition):
        """Terms of the generator's loss that compare its images with the batch's.

        For models trained on pairs, where each generated image has a real
        counterpart (`Pix2Pix`: its output and the target). Called in every
        train and test step with the generated images, the batch's real
        images and its condition.

        Returns:
            `(loss, logs)`: `loss` is added to the generator's adversarial
            loss (`generator_loss`) in its update; `logs` maps each name of
            `generator_term_names` to a scalar, logged as its epoch mean.
            The default is `(0.0, {})`: nothing added.
        """
        return 0.0, {}

    def compile_defaults(self, loss):
        """What `compile()` uses for the arguments it is not given, given the loss.

        Returns a dict with `d_optimizer` and `g_optimizer` (new instances on
        every call) and any of `label_smoothing`, `r1_penalty`, `r2_penalty`
        and `r1_batch_size`, the values their `"auto"` takes; a missing key
        means none of that regularization. A `GAN` returns Adam(2e-4,
        beta_1=0.5) for both networks, the DCGAN paper's setting, and no
        regularization: its networks are the user's, so nothing is tuned for
        them. A preset's `"compile"` entries replace these: its learning
        rates (`d_learning_rate`, `g_learning_rate`), Adam's `beta_1` and
        `beta_2`, and its regularization (the `"r3gan"` preset: R1 and R2).
        Subclasses with their own networks return settings tuned for them
        (see `DCGAN`).

        Args:
            loss: the `kg.losses.AdversarialLoss` being compiled.
        """
        preset = self.preset_compile_defaults()
        preset.pop("loss", None)  # compile()'s "auto" loss
        adam = {
            "beta_1": preset.pop("beta_1", PAPER_BETA_1),
            "beta_2": preset.pop("beta_2", KERAS_BETA_2),
        }
        d_rate = preset.pop("d_learning_rate", PAPER_LEARNING_RATE)
        g_rate = preset.pop("g_learning_rate", PAPER_LEARNING_RATE)
        return {
            "d_optimizer": default_optimizer(d_rate, **adam),
            "g_optimizer": default_optimizer(g_rate, **adam),
            **preset,
        }

    # --- Compile ------------------------------------------------------------

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="auto",
        gradient_penalty=0.0,
        r1_penalty="auto",
        r2_penalty="auto",
        r1_batch_size="auto",
        label_smoothing="auto",
        d_steps=1,
        reuse_fake_images="auto",
        augmentation=None,
        check_data=True,
        **kwargs,
    ):
        """Configures the adversarial training.

        Arguments left out take the model's `compile_defaults(loss)`; the
        values used are plain attributes of the model afterwards
        (`adversarial_loss`, `gradient_penalty`, `r1_penalty`, `r2_penalty`,
        `r1_batch_size`, `label_smoothing`, `d_steps`, `reuse_fake_images`,
        `augmentation`, `check_data`), and `get_compile_config()` records
        them.

        Args:
            d_optimizer: optimizer (instance, name or config) of the
                discriminator. Default: the model's, `Adam(2e-4,
                beta_1=0.5)` for a `GAN`.
            g_optimizer: optimizer of the generator. Must be a different
                instance from `d_optimizer`. Default: the model's.
            loss: `"non_saturating"`, `"minimax"`, `"least_squares"`,
                `"hinge"`, `"wasserstein"`, `"relativistic"` (the pairing
                loss of RpGAN and R3GAN), or a `kg.losses.AdversarialLoss`.
                `"auto"` (default): the preset's loss, else
                `"non_saturating"`.
            gradient_penalty: weight of the WGAN-GP penalty
                `E[(||grad D(x_hat)|| - 1)^2]` on random interpolates
                `x_hat` of real and generated images (weight uniform in
                [0, 1]); 0 (default) disables it. 10 is the usual weight.
            r1_penalty: weight `gamma` of the R1 penalty
                `gamma / 2 * E[||grad D(x)||^2]` on real images `x`
                (Mescheder et al., 2018), which keeps the discriminator
                smooth around the data; 0 disables it. It costs a second
                backward pass through the discriminator, which
                `r1_batch_size` makes cheap. `"auto"` (default): the model's
                `compile_defaults()` value, 0 for a `GAN` (and 0 whenever
                `gradient_penalty` is set).
            r2_penalty: weight `gamma` of the R2 penalty
                `gamma / 2 * E[||grad D(G(z))||^2]` on generated images, R1's
                twin on the other side (Roth et al., 2017; R3GAN trains with
                both); 0 disables it. It costs another backward pass through
                the discriminator. `"auto"` (default): the model's
                `compile_defaults()` value, 0 for a `GAN`.
            r1_batch_size: estimate the R1 (and R2) penalty on about this many
                real (and generated) images of each batch: every k-th image, with
                `k = batch_size // r1_batch_size`, which divides its cost by
                about `k`. The penalty is a mean, so a subset estimates it
                without bias. Under a distribution strategy `batch_size` is
                the global batch, and the replicas together use the images
                one device would (when `k` divides each replica's batch).
                `None` uses the whole batch. `"auto"` (default): the model's
                value, `None` for a `GAN`.
            label_smoothing: one-sided label smoothing: real images get the
                target `1 - label_smoothing` in the discriminator loss.
                `"auto"` (default): the model's value, 0 for a `GAN`.
            d_steps: discriminator updates per generator update, each on the
                same real batch and fresh noise. Default 1.
            reuse_fake_images: if True, the generator update scores the
                images generated for the last discriminator update, through
                that forward pass, as PyTorch's DCGAN example does: a step
                runs the generator once. If False, it generates anew from
                fresh noise, as keras.io's GAN examples do, for a second
                generator forward pass per step. `"auto"` (default): True,
                except for a step TensorFlow compiles with XLA, where the
                second pass costs less than keeping the first through the
                discriminator's update (`keras_gen.backend.
                default_reuse_fake_images`; `docs/benchmarks.md` has the
                costs).
            augmentation: differentiable augmentation of every image the
                discriminator sees, real and generated, in both players'
                updates (`kg.augment`): `None` (default), a policy such as
                `"color,translation,cutout"` (DiffAugment, every operation
                applied to every image), `"ada"` (adaptive discriminator
                augmentation), or a `kg.augment.DiffAugment` or
                `AdaptiveAugment`. Penalties are taken on the augmented
                images. For a model whose condition is an image (`Pix2Pix`),
                only the images are augmented, not the condition.
            check_data: check every batch in the train step (the images'
                range, a condition's range) and stop `fit()` at the first bad
                one with a `BadBatchError` naming it. Default True; False
                skips the check for data you vouch for
                (`docs/benchmarks.md` has its cost).
            **kwargs: passed to `keras.Model.compile`: `jit_compile`,
                `steps_per_execution`, `run_eagerly`, `auto_scale_loss`.
        """
        for name in ("optimizer", "metrics", "loss_weights", "weighted_metrics"):
            if name in kwargs:
                raise TypeError(
                    f"{type(self).__name__}.compile() does not take "
                    f"`{name}`: a GAN has `d_optimizer` and `g_optimizer`, "
                    "and logs its own metrics."
                )
        if loss == "auto":
            loss = self.preset_compile_defaults().get("loss", DEFAULT_LOSS)
        loss = losses_module.get(loss)
        defaults = {**options.NO_REGULARIZATION, **self.compile_defaults(loss)}
        gradient_penalty = options.penalty_weight(gradient_penalty, "gradient_penalty")
        if gradient_penalty:  # one penalty on D unless both are asked for
            defaults["r1_penalty"] = defaults["r2_penalty"] = 0.0
        r1_penalty = options.penalty_weight(
            options.resolve_auto("r1_penalty", r1_penalty, defaults), "r1_penalty"
        )
        r2_penalty = options.penalty_weight(
            options.resolve_auto("r2_penalty", r2_penalty, defaults), "r2_penalty"
        )
        if not (r1_penalty or r2_penalty):
            defaults["r1_batch_size"] = None
        r1_batch_size = options.r1_batch_size(
            options.resolve_auto("r1_batch_size", r1_batch_size, defaults),
            r1_penalty or r2_penalty,
        )
        label_smoothing = options.label_smoothing(
            options.resolve_auto("label_smoothing", label_smoothing, defaults), loss
        )
        d_optimizer, g_optimizer = resolve_pair(
            defaults["d_optimizer"] if d_optimizer is None else d_optimizer,
            self.discriminator.trainable_variables,
            defaults["g_optimizer"] if g_optimizer is None else g_optimizer,
            self.generator.trainable_variables,
            kwargs.pop("auto_scale_loss", True),
        )
        options.warn_without_constraint(loss, gradient_penalty)

        # === The options, as the train step reads them ===
        self.adversarial_loss = loss
        self.gradient_penalty = gradient_penalty
        self.r1_penalty = r1_penalty
        self.r2_penalty = r2_penalty
        self.r1_batch_size = r1_batch_size
        self.label_smoothing = label_smoothing
        self.d_steps = options.d_steps(d_steps)
        if not (isinstance(reuse_fake_images, bool) or reuse_fake_images == "auto"):
            raise ValueError(
                "`reuse_fake_images` must be True, False or 'auto'; got "
                f"{reuse_fake_images!r}."
            )
        self.augmentation = augment.get(augmentation)
        if self.augmentation is not None:
            self.augment_probability.assign(self.augmentation.initial_probability)
        self.check_data = validation.check_flag(check_data, "check_data")
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self._compile_kwargs = dict(kwargs)

        super().compile(
            optimizer=combined_optimizer(
                self.d_optimizer,
                self.discriminator.trainable_variables,
                self.g_optimizer,
                self.generator.trainable_variables,
            ),
            loss=None,
            auto_scale_loss=False,
            **kwargs,
        )
        if reuse_fake_images == "auto":  # decided by the compiler just chosen
            reuse_fake_images = backend.default_reuse_fake_images(self)
        self.reuse_fake_images = reuse_fake_images

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_module.serialize(self.adversarial_loss),
            "gradient_penalty": self.gradient_penalty,
            "r1_penalty": self.r1_penalty,
            "r2_penalty": self.r2_penalty,
            "r1_batch_size": self.r1_batch_size,
            "label_smoothing": self.label_smoothing,
            "d_steps": self.d_steps,
            "reuse_fake_images": self.reuse_fake_images,
            "augmentation": augment.serialize(self.augmentation),
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
        trackers = [self.d_loss_tracker, self.g_loss_tracker]
        adversarial_loss = getattr(self, "adversarial_loss", None)
        if adversarial_loss is not None and adversarial_loss.probabilistic:
            trackers += [self.real_score_tracker, self.fake_score_tracker]
        if self.augmentation is not None and self.augmentation.adaptive:
            trackers.append(self.augment_probability_tracker)
        return trackers + self.term_trackers + [self.data_check_tracker]

    # --- The train step -------------------------------------------------------

    def fit(self, *args, **kwargs):
        backend.require_adversarial_training()
        return super().fit(*args, **kwargs)

    def evaluate(self, *args, **kwargs):
        backend.require_adversarial_training()
        return super().evaluate(*args, **kwargs)

    def train_step(self, *args):
        """`adversarial_step`, run as the active backend's trainer runs a step
        (on JAX, statelessly on the trainer's state)."""
        return backend.train_step(self, self.adversarial_step, args)

    def test_step(self, *args):
        """Both losses on a batch, without updating anything."""
        return backend.test_step(self, self._test_batch, args)

    def adversarial_step(self, data):
        """One alternating update on a batch; returns the logs."""
        real_images, condition = self._checked_batch(data)
        batch_size = ops.shape(real_images)[0]

        def generate():
            return self._generate(batch_size, condition, training=True)

        # 1. Draw noise and generate. The generator's update reuses these
        #    images, so the pass is recorded for it.
        if self.reuse_fake_images:
            fake_images, generator_pass = backend.record(
                generate, self.generator.trainable_variables
            )

        # 2. The discriminator's updates, each on newly generated images but
        #    the last, which uses those of step 1.
        for step in range(self.d_steps):
            last = step == self.d_steps - 1
            images = fake_images if self.reuse_fake_images and last else generate()
            images = ops.stop_gradient(images)
            d_loss, (real_output, fake_output) = backend.minimize(
                self.d_optimizer,
                lambda images=images: self._discriminator_objective(
                    real_images, images, condition, training=True
                ),
                self.discriminator.trainable_variables,
            )

        # ADA: the augmentation probability follows D's verdicts on real images.
        if self.augmentation is not None and self.augmentation.adaptive:
            self._adjust_augmentation(real_output, batch_size)

        # 3. The generator's update, scored by the updated discriminator.
        if self.reuse_fake_images:
            _, (g_loss, term_logs) = backend.minimize_recorded(
                self.g_optimizer,
                generator_pass,
                lambda images: self._generator_objective(
                    images, real_images, condition, training=True
                ),
            )
        else:
            _, (g_loss, term_logs) = backend.minimize(
                self.g_optimizer,
                lambda: self._generator_objective(
                    generate(), real_images, condition, training=True
                ),
                self.generator.trainable_variables,
            )

        # 4. The moving average, the step count (`model.optimizer.iterations`
        #    counts train steps, as Keras callbacks expect), the metrics.
        self._update_ema()
        self.optimizer.iterations.assign_add(1)
        return self._update_metrics(d_loss, g_loss, real_output, fake_output, term_logs)

    def _test_batch(self, data):
        real_images, condition = self._checked_batch(data)
        batch_size = ops.shape(real_images)[0]
        fake_images = self._generate(batch_size, condition, training=False)
        d_loss, (real_output, fake_output) = self._discriminator_objective(
            real_images, fake_images, condition, training=False
        )
        _, (g_loss, term_logs) = self._generator_objective(
            fake_images, real_images, condition, training=False
        )
        return self._update_metrics(d_loss, g_loss, real_output, fake_output, term_logs)

    def _checked_batch(self, data):
        """`unpack_batch`, with the shape checked while tracing and the values
        checked in the graph."""
        real_images, condition = self.unpack_batch(data)
        self._check_images(real_images)
        self._check_batch_in_graph(real_images, condition)
        return real_images, condition

    def sample_noise(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard normal noise in the graph."""
        return self._replica_share(
            lambda size: keras.random.normal(
                (size, self.latent_dim), seed=self.seed_generator
            ),
            batch_size,
        )

    def _generate(self, batch_size, condition, training):
        noise = self.sample_noise(batch_size)
        return self.generator(
            self.generator_inputs(noise, condition), training=training
        )

    def _augmented(self, images):
        """`images` augmented as `compile(augmentation=...)` asks, with draws
        from `seed_generator` (each replica its rows of the global batch's)."""
        if self.augmentation is None:
            return images
        batch_size = ops.shape(images)[0]

        def uniform(tail):
            return self._replica_share(
                lambda size: keras.random.uniform(
                    (size,) + tail, dtype=images.dtype, seed=self.seed_generator
                ),
                batch_size,
            )

        return augment.augment(
            images,
            self.augmentation.operations,
            self.augment_probability,
            uniform,
            self.value_range,
        )

    def _adjust_augmentation(self, real_output, batch_size):
        """ADA's update, from the mean sign of D's logits on the global batch's
        real images; logs the probability."""
        replicas, _ = backend.replica_context()
        logits = ops.cast(adversarial_logits(real_output), "float32")
        overfitting = backend.mean_across_replicas(ops.mean(ops.sign(logits)))
        probability = self.augmentation.adjusted(
            self.augment_probability, overfitting, batch_size * replicas
        )
        self.augment_probability.assign(probability)
        self.augment_probability_tracker.update_state(probability)

    def _critic(self, condition):
        """`images -> real/fake logits` of the discriminator, for `condition`:
        the function the penalties (`kg.penalties`) differentiate."""

        def logits(images):
            output = self.discriminator(
                self.discriminator_inputs(images, condition), training=True
            )
            return adversarial_logits(output)

        return logits

    def _interpolation_weights(self, real_images):
        """WGAN-GP's per-image weights, uniform in [0, 1], from `seed_generator`."""
        per_image = (1,) * (len(real_images.shape) - 1)
        return self._replica_share(
            lambda size: keras.random.uniform(
                (size,) + per_image, dtype=real_images.dtype, seed=self.seed_generator
            ),
            ops.shape(real_images)[0],
        )

    def _discriminator_objective(self, real_images, fake_images, condition, training):
        """`(loss, (real_output, fake_output))` of a discriminator update."""
        # The penalties differentiate D at real images: give them the fakes' dtype.
        real_images = self._augmented(ops.cast(real_images, fake_images.dtype))
        fake_images = self._augmented(fake_images)
        real_output = self.discriminator(
            self.discriminator_inputs(real_images, condition), training=training
        )
        fake_output = self.discriminator(
            self.discriminator_inputs(fake_images, condition), training=training
        )
        loss = self.discriminator_loss(real_output, fake_output, condition)
        validation.check_scalar(loss, self._loss_source("discriminator_loss"))
        if self.gradient_penalty:
            weights = self._interpolation_weights(real_images)
            loss = loss + self.gradient_penalty * penalties.gradient_penalty(
                self._critic(condition), real_images, fake_images, weights
            )
        if self.r1_penalty or self.r2_penalty:
            if self.r1_batch_size is not None:  # an unbiased, cheaper estimate
                replicas, _ = backend.replica_context()
                real_images, fake_images, condition = penalties.every_kth(
                    (real_images, fake_images, condition), self.r1_batch_size, replicas
                )
            critic = self._critic(condition)
            if self.r1_penalty:
                loss = loss + 0.5 * self.r1_penalty * penalties.r1(critic, real_images)
            if self.r2_penalty:
                loss = loss + 0.5 * self.r2_penalty * penalties.r2(critic, fake_images)
        return loss, (real_output, fake_output)

    def _loss_source(self, method):
        """`Model.method` when a subclass overrides the hook, else the loss's."""
        if getattr(type(self), method) is not getattr(GAN, method):
            return f"{type(self).__name__}.{method}"
        return f"{type(self.adversarial_loss).__name__}.{method}"

    def _generator_objective(self, fake_images, real_images, condition, training):
        """`(loss, (adversarial loss, term logs))` of the generator update."""
        fake_output = self.discriminator(
            self.discriminator_inputs(self._augmented(fake_images), condition),
            training=training,
        )
        if self.adversarial_loss.relativistic:
            real = self._augmented(ops.cast(real_images, fake_images.dtype))
            real_output = self.discriminator(
                self.discriminator_inputs(real, condition), training=training
            )
            adversarial = self.generator_loss(fake_output, condition, real_output)
        else:
            adversarial = self.generator_loss(fake_output, condition)
        validation.check_scalar(adversarial, self._loss_source("generator_loss"))
        if not self.generator_term_names:
            return adversarial, (adversarial, {})
        terms, logs = self.generator_terms(
            fake_images, ops.cast(real_images, fake_images.dtype), condition
        )
        return adversarial + terms, (adversarial, logs)

    def _update_metrics(self, d_loss, g_loss, real_output, fake_output, term_logs):
        for tracker in self.term_trackers:
            tracker.update_state(term_logs[tracker.name])
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        if self.adversarial_loss.probabilistic:
            self.real_score_tracker.update_state(
                ops.sigmoid(adversarial_logits(real_output))
            )
            self.fake_score_tracker.update_state(
                ops.sigmoid(adversarial_logits(fake_output))
            )
        return {tracker.name: tracker.result() for tracker in self.metrics}

    def _update_ema(self):
        if not self._ema_weights:
            return
        decay = weight_average.warmed_up_decay(self.ema, self.g_optimizer.iterations)
        weight_average.move_averages(
            self._ema_weights, self.generator.trainable_variables, decay
        )

    # --- Inference ----------------------------------------------------------

    def call(self, inputs, training=False):
        """Generates images from noise, or from `(noise, condition)`; with
        `training=False` from the averaged weights where `ema` is set."""
        noise, condition = (
            inputs if isinstance(inputs, (list, tuple)) else (inputs, None)
        )
        if training:
            return self.generator(
                self.generator_inputs(noise, condition), training=True
            )
        return self.generate_images(noise, condition)

    def generate_images(self, noise, condition=None, use_ema=True):
        """The generator's images for `noise` (and `condition`), as a tensor.

        In inference mode; with `ema` set and `use_ema` (default), from the
        averaged weights.
        """
        generator_inputs = self.generator_inputs(noise, condition)
        if self._ema_weights and use_ema:
            return weight_average.call_with_averages(
                self.generator, self._ema_weights, generator_inputs
            )
        return self.generator(generator_inputs, training=False)

    # --- Serialization ------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "ema": self.ema,
                "value_range": list(self.value_range),
            }
        )
        return config
