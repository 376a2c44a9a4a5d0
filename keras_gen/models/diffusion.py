"""Diffusion: a denoising diffusion model trained through Keras' own train step."""

import math

import keras
import numpy as np
from keras import ops

from keras_gen import backend, networks, validation
from keras_gen.conditions import ClassLabel
from keras_gen.losses import at_least_float32
from keras_gen.models import weight_average
from keras_gen.models.own_loss import OwnLossModel

#: What the network predicts.
PREDICTIONS = ("v", "epsilon")
#: How `generate()` samples: DDIM (deterministic) or ancestral DDPM.
SAMPLERS = ("ddim", "ddpm")
#: The cosine schedule's offset (Nichol & Dhariwal, 2021) and the signal left at t = 1.
COSINE_OFFSET = 0.008
MIN_SIGNAL = 0.002
_ANGLE_MIN = COSINE_OFFSET / (1 + COSINE_OFFSET) * math.pi / 2
_ANGLE_MAX = math.acos(MIN_SIGNAL)
#: Rows (images x noise levels) per network pass of the likelihood bound.
BOUND_BATCH = 256


def signal_and_noise_rates(t):
    """`(alpha, sigma)` of the cosine schedule at noise levels `t` in [0, 1]:
    `x_t = alpha x + sigma eps`, `alpha**2 + sigma**2 = 1`. Works on floats,
    numpy arrays and tensors."""
    if isinstance(t, (float, int, np.floating, np.ndarray)):
        angle = _ANGLE_MIN + np.asarray(t, "float64") * (_ANGLE_MAX - _ANGLE_MIN)
        return np.cos(angle), np.sin(angle)
    angle = _ANGLE_MIN + t * (_ANGLE_MAX - _ANGLE_MIN)
    return ops.cos(angle), ops.sin(angle)


@keras.saving.register_keras_serializable(package="keras_gen")
class Diffusion(OwnLossModel):
    """A denoising diffusion model (Ho et al., 2020) with DDIM sampling (Song et al., 2021).

    Training noises each image to a random level `t` ~ U(0, 1) of a cosine
    schedule (Nichol & Dhariwal, 2021, in continuous time), `x_t = alpha_t x
    + sigma_t eps`, and trains the network to predict `v = alpha_t eps -
    sigma_t x` (Salimans & Ho, 2022; default) or `eps`, with the mean squared
    error, logged as `loss`. The loss is computed in `compute_loss`, so Keras'
    own train step trains it on every backend. An exponential moving average
    of the network's weights (`ema`) is kept for sampling.

    `generate()` starts from Gaussian noise of the image's shape and denoises
    in `steps` steps (default `sampling_steps`): DDIM, deterministic for a
    seed, or ancestral DDPM (`sampler="ddpm"`), which adds fresh noise at
    each step. Sampling costs `steps` network passes per image.

    Args:
        image_shape: `(height, width, channels)`; data in [-1, 1].
        network: a network from `[noisy images, t]` (and the labels, for a
            conditional model) to images; default
            `kg.networks.diffusion_unet(image_shape, base_filters)`.
        prediction: `"v"` (default) or `"epsilon"`.
        sampling_steps: DDIM steps of `generate()`, grids and exports.
            Default 50.
        base_filters: width of the built U-Net. Default 32.
        ema: decay of the weights' moving average used for sampling, or
            `None`. Default 0.999 (with a warm-up,
            `min(ema, (1 + step) / (10 + step))`).
        seed: optional int seeding the model's `seed_generator`.
        **kwargs: passed to `GenerativeModel` (`name`, `preset`).

    A conditional subclass sets `self.condition`, builds a network that
    takes it, and overrides `network_inputs(noisy, t, condition)` and, for
    classifier-free guidance, `drop_condition(condition)` and
    `null_condition(condition)`; see `ConditionalDiffusion`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    model = kg.Diffusion(image_shape=(8, 8, 1), base_filters=8, sampling_steps=5)
    model.compile()
    images = np.random.uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    model.fit(images, batch_size=16, epochs=1, verbose=0)
    model.generate(4, seed=0).shape  # (4, 8, 8, 1)
    model.generate(4, seed=0, steps=10, sampler="ddpm").shape
    ```
    """

    network_arguments = ("network",)

    presets = {
        "mnist": {
            "description": "28x28 MNIST on a CPU: the U-Net of width 16 with "
            "attention at 7x7, v-prediction, Adam(2e-4), weight average 0.999.",
            "data": "mnist",
            "config": {"image_shape": (28, 28, 1), "base_filters": 16},
        },
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        network=None,
        prediction="v",
        sampling_steps=50,
        base_filters=32,
        ema=0.999,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        validation.check_choice(prediction, "prediction", PREDICTIONS)
        validation.check_count(sampling_steps, "sampling_steps")
        validation.check_count(base_filters, "base_filters")
        if ema is not None and not 0.0 < ema < 1.0:
            raise ValueError(
                f"`ema` is the decay of a moving average and must lie in (0, 1), "
                f"e.g. 0.999; got {ema!r}. Pass None to disable it."
            )
        image_shape = validation.check_shape(image_shape, "image_shape")
        self.image_shape = image_shape
        self.base_filters = int(base_filters)
        self.network = network or self.build_network()
        self.prediction = prediction
        self.sampling_steps = int(sampling_steps)
        self.ema = ema
        self.latent_dim = int(np.prod(image_shape))
        self.value_range = (-1.0, 1.0)
        self.sampling_seed = keras.random.SeedGenerator(seed, name="sampling_seed")

    def build_network(self):
        """The default network: `kg.networks.diffusion_unet` for `image_shape`."""
        return networks.diffusion_unet(self.image_shape, self.base_filters)

    @property
    def noise_shape(self):
        """The noise `generate()` starts from has the image's shape."""
        return tuple(self.image_shape)

    def build(self, input_shape=None):
        condition = None if self.condition is None else self.condition.spec
        noisy = keras.KerasTensor((None,) + tuple(self.image_shape))
        t = keras.KerasTensor((None,))
        output = self.network(self.network_inputs(noisy, t, condition))
        if tuple(output.shape[1:]) != tuple(self.image_shape):
            raise ValueError(
                f"The network must output images of shape {self.image_shape}; "
                f"got {tuple(output.shape[1:])}."
            )
        self._ema_weights = []
        if self.ema is not None:
            # The average's own step count: the train step of JAX cannot read
            # the optimizer's variables in the forward pass.
            self.ema_steps = self.add_weight(
                shape=(),
                initializer="zeros",
                trainable=False,
                name="ema_steps",
                aggregation="only_first_replica",
            )
            self._ema_weights = weight_average.create_averages(
                self, self.network, aggregation="only_first_replica"
            )

    def compile(self, optimizer=None, check_data=True, **kwargs):
        """Configures training; `optimizer` defaults to Adam(2e-4).

        Args:
            optimizer: optimizer instance, name or config.
            check_data: check every batch in the train step, as for
                `GAN.compile`. Default True.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, ...). The model defines its own loss,
                so `loss` is not accepted.
        """
        if "loss" in kwargs:
            raise TypeError(
                "Diffusion.compile() does not take `loss`: the loss is the mean "
                "squared error of the network's prediction (choose it with "
                "Diffusion(prediction=...))."
            )
        if optimizer is None:
            optimizer = keras.optimizers.Adam(learning_rate=2e-4)
        super().compile(optimizer=optimizer, check_data=check_data, **kwargs)

    # --- Hooks: conditioning ------------------------------------------------

    def network_inputs(self, noisy, t, condition):
        """What the network is called on: `[noisy, t]`, and the condition
        for a conditional model."""
        return [noisy, t] if condition is None else [noisy, t, condition]

    def drop_condition(self, condition):
        """The condition the network trains on (a conditional model may drop
        some to learn the unconditional prediction too)."""
        return condition

    def null_condition(self, condition):
        """The "no condition" of classifier-free guidance, or `None` where
        the model has none (then `guidance` is refused)."""
        return None

    # --- Training -----------------------------------------------------------

    def call(self, inputs, training=False):
        """Noises a batch of images (or `(images, condition)`) to random
        levels and predicts; a dict of `prediction` and its `target`."""
        images, condition = (
            inputs if isinstance(inputs, (list, tuple)) else (inputs, None)
        )
        dtype = self.variable_dtype  # float32 under mixed precision
        images = ops.cast(images, dtype)
        batch = ops.shape(images)[0]
        t = self._replica_share(
            lambda size: keras.random.uniform(
                (size,), dtype=dtype, seed=self.seed_generator
            ),
            batch,
        )
        noise = self._replica_share(
            lambda size: keras.random.normal(
                (size,) + tuple(self.image_shape), dtype=dtype, seed=self.seed_generator
            ),
            batch,
        )
        alpha, sigma = signal_and_noise_rates(t)
        alpha = ops.reshape(alpha, (-1, 1, 1, 1))
        sigma = ops.reshape(sigma, (-1, 1, 1, 1))
        noisy = alpha * images + sigma * noise
        if training:
            condition = self.drop_condition(condition)
            self._update_ema()
        prediction = self.network(
            self.network_inputs(noisy, t, condition), training=training
        )
        if self.prediction == "v":
            target = alpha * noise - sigma * images
        else:
            target = noise
        return {"prediction": prediction, "target": target}

    def _update_ema(self):
        """Moves the weights' average towards the weights of this step's
        forward pass (assignments Keras' train step applies on every backend)."""
        if not self._ema_weights:
            return
        decay = weight_average.warmed_up_decay(self.ema, self.ema_steps)
        self.ema_steps.assign(self.ema_steps + 1.0)
        weight_average.move_averages(
            self._ema_weights, self.network.trainable_variables, decay
        )

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        images, condition = x if isinstance(x, (list, tuple)) else (x, None)
        self._check_batch_in_graph(images, condition)
        prediction = at_least_float32(y_pred["prediction"])
        target = ops.cast(y_pred["target"], prediction.dtype)
        loss = ops.mean(ops.square(prediction - target))
        if self.losses:
            loss = loss + ops.sum(self.losses)
        return backend.loss_for_replicas(loss)

    # --- Sampling -----------------------------------------------------------

    def _predict(self, x, t, condition, use_ema):
        inputs = self.network_inputs(x, t, condition)
        if self._ema_weights and use_ema:
            return weight_average.call_with_averages(
                self.network, self._ema_weights, inputs
            )
        return self.network(inputs, training=False)

    def _denoised(self, noisy, output, alpha, sigma):
        """The clean image the network's `output` on `noisy` (at the level
        of `alpha`, `sigma`) implies, unclipped; tensors or numpy arrays."""
        if self.prediction == "v":
            return alpha * noisy - sigma * output
        return (noisy - sigma * output) / alpha

    def _guided(self, x, t, condition, guidance, use_ema):
        if guidance is None or condition is None:
            return self._predict(x, t, condition, use_ema)
        null = self.null_condition(condition)
        both = self._predict(
            ops.concatenate([x, x]),
            ops.concatenate([t, t]),
            ops.concatenate([condition, null]),
            use_ema,
        )
        conditional, unconditional = ops.split(both, 2)
        return unconditional + guidance * (conditional - unconditional)

    def generate_images(
        self,
        noise,
        condition=None,
        steps=None,
        sampler="ddim",
        guidance=None,
        use_ema=True,
    ):
        """Denoises `noise` (image-shaped) in `steps` steps, as a tensor.

        Args:
            noise: `(batch, *image_shape)` standard normal noise.
            condition: conditions, for a conditional model.
            steps: denoising steps; default `sampling_steps`.
            sampler: `"ddim"` (deterministic) or `"ddpm"` (ancestral: fresh
                noise each step, from the model's `sampling_seed`).
            guidance: classifier-free guidance scale for a conditional
                model (1 is the conditional prediction alone; 2 to 5 trade
                diversity for fidelity), or `None`.
            use_ema: sample from the weights' average, where kept.
        """
        steps = self.sampling_steps if steps is None else steps
        validation.check_count(steps, "steps")
        validation.check_choice(sampler, "sampler", SAMPLERS)
        if guidance is not None:
            validation.check_positive(guidance, "guidance")
            if condition is None or self.null_condition(condition) is None:
                raise ValueError(
                    "`guidance` is classifier-free guidance: it needs a "
                    "conditional model trained with conditions dropped "
                    "(kg.ConditionalDiffusion) and a condition."
                )
        x = ops.cast(noise, "float32")
        times = np.linspace(1.0, 0.0, int(steps) + 1)
        batch = ops.shape(x)[0]
        images = x
        for now, then in zip(times[:-1], times[1:]):
            alpha, sigma = signal_and_noise_rates(float(now))
            next_alpha, next_sigma = signal_and_noise_rates(float(then))
            t = ops.full((batch,), float(now), dtype="float32")
            output = ops.cast(
                self._guided(x, t, condition, guidance, use_ema), "float32"
            )
            images = ops.clip(
                self._denoised(x, output, float(alpha), float(sigma)), -1.0, 1.0
            )
            noise_estimate = (x - float(alpha) * images) / float(sigma)
            fresh = 0.0
            if sampler == "ddpm":
                fresh = (next_sigma / sigma) * math.sqrt(
                    max(1.0 - (alpha / next_alpha) ** 2, 0.0)
                )
            kept = math.sqrt(max(next_sigma**2 - fresh**2, 0.0))
            x = float(next_alpha) * images + kept * noise_estimate
            if fresh:
                x = x + fresh * keras.random.normal(
                    ops.shape(x), seed=self.sampling_seed
                )
        return images

    # --- Evaluation ---------------------------------------------------------

    def heldout_metrics(self, data, seed=0, time_samples=4, binarize=True):
        """`negative_elbo` in nats per image and `bits_per_dim`, on held-out images.

        The variational bound of Kingma et al. (2021) in continuous time,
        for the images made discrete: by default binarised with `seed`
        (each pixel white with its intensity as the probability), the
        protocol of the VAE's figures, so the two compare; with
        `binarize=False`, quantised to 8 bits. See `variational_bound`.

        Args:
            data: held-out images in [-1, 1] (with their labels for a
                conditional model), as the training data holds them.
            seed: seed of the binarisation and of the bound's draws.
            time_samples: noise levels drawn per image. Default 4.
            binarize: binarise (default True) or quantise to 8 bits.
        """
        validation.check_count(time_samples, "time_samples")
        validation.check_flag(binarize, "binarize")
        images, condition = self.unpack_batch(data)
        images = np.asarray(images, "float32")
        self._check_first_batch(images, condition)
        if binarize:
            rng = np.random.default_rng(seed)
            intensity = (images + 1.0) / 2.0
            images = np.where(rng.uniform(size=images.shape) < intensity, 1.0, -1.0)
        else:
            images = np.round((images + 1.0) * 127.5) / 127.5 - 1.0
        levels = 2 if binarize else 256
        nats = self.variational_bound(
            images, condition, time_samples=time_samples, seed=seed, levels=levels
        )
        negative_elbo = float(np.mean(nats))
        return {
            "negative_elbo": negative_elbo,
            "bits_per_dim": negative_elbo / (np.prod(self.image_shape) * math.log(2)),
        }

    def variational_bound(
        self, images, condition=None, time_samples=4, seed=0, levels=256
    ):
        """Negative ELBO of each image in nats: an upper bound on `-log p(x)`.

        The bound of variational diffusion models (Kingma et al., 2021) for
        this model's schedule, in continuous time: the prior term (how far
        `x_1` is from a standard normal), the decoder term (how likely the
        image's `levels` discrete values are given `x_0`, each pixel's level
        a softmax of the Gaussian `q(x_0 | x)` over the levels) and the
        diffusion term `0.5 * integral of exp(lambda) ||x - x_hat||^2` over
        the log signal-to-noise ratio `lambda`, estimated with
        `time_samples` stratified draws of `lambda` per image. `x_hat` is
        the denoised image as sampling computes it (weights' average,
        clipped to [-1, 1]), so the bound is that of the model `generate(...,
        sampler="ddpm")` samples from as its steps grow. Unbiased in the
        draws; the lowest noise of the schedule (t = 0) sets how sharp the
        decoder is, which costs 8-bit images more than binary ones.

        Args:
            images: `(N, *image_shape)` images whose pixels take the values
                of `levels` evenly spaced levels in [-1, 1] (-1 and 1 for 2).
            condition: their conditions, for a conditional model.
            time_samples: noise levels drawn per image. Default 4.
            seed: seed of the draws. Default 0.
            levels: levels per pixel of the data: 256 for 8-bit images
                (default), 2 for binary ones.

        Returns:
            float64 array `(N,)`.
        """
        validation.check_count(time_samples, "time_samples")
        validation.check_count(levels, "levels", minimum=2)
        images = np.asarray(images, "float64")
        self._check_images(images)
        self._check_condition(condition, len(images))
        values = np.linspace(-1.0, 1.0, int(levels))
        index = np.round((images + 1.0) / 2.0 * (levels - 1))
        quantised = values[np.clip(index, 0, levels - 1).astype(int)]
        if np.max(np.abs(quantised - images)) > 1e-3:
            raise ValueError(
                f"`variational_bound` needs images whose pixels take one of "
                f"{levels} evenly spaced values in [-1, 1]; quantise them first "
                "(`heldout_metrics` binarises or quantises them to 8 bits)."
            )
        images = quantised
        rng = np.random.default_rng(seed)
        pixel_axes = tuple(range(1, images.ndim))
        # Prior: KL(q(x_1 | x) || N(0, I)).
        alpha, sigma = signal_and_noise_rates(1.0)
        prior = 0.5 * np.sum(
            alpha**2 * images**2 + sigma**2 - 1.0 - np.log(sigma**2), axis=pixel_axes
        )
        # Decoder: -log p(x | x_0), x_0 ~ q(x_0 | x).
        alpha, sigma = signal_and_noise_rates(0.0)
        decoder = np.zeros(len(images))
        per_chunk = max(1, 4096 // levels)
        for start in range(0, len(images), per_chunk):
            chunk = images[start : start + per_chunk]
            x0 = alpha * chunk + sigma * rng.standard_normal(chunk.shape)
            logits = -((x0[..., None] - alpha * values) ** 2) / (2 * sigma**2)
            true = -((x0 - alpha * chunk) ** 2) / (2 * sigma**2)
            top = logits.max(axis=-1)
            log_norm = top + np.log(np.exp(logits - top[..., None]).sum(axis=-1))
            decoder[start : start + len(chunk)] = np.sum(
                log_norm - true, axis=pixel_axes
            )
        # Diffusion: 0.5 * (lambda_max - lambda_min) * E_lambda[e^lambda ||x - x_hat||^2].
        log_snr_max, log_snr_min = (
            2.0 * math.log(1.0 / math.tan(angle)) for angle in (_ANGLE_MIN, _ANGLE_MAX)
        )
        count = len(images)
        offsets = rng.uniform(size=(count, 1))
        strata = np.mod(offsets + np.arange(time_samples) / time_samples, 1.0)
        log_snr = log_snr_min + (log_snr_max - log_snr_min) * strata
        angle = np.arctan(np.exp(-log_snr / 2.0))
        angle = angle.reshape(-1)  # image after image, its levels in turn
        times = (angle - _ANGLE_MIN) / (_ANGLE_MAX - _ANGLE_MIN)
        rows = np.repeat(np.arange(count), time_samples)
        condition = None if condition is None else np.asarray(condition)
        shape = (-1,) + (1,) * (images.ndim - 1)
        errors = np.zeros(count * time_samples)
        for start in range(0, len(rows), BOUND_BATCH):
            which = rows[start : start + BOUND_BATCH]
            x = images[which]
            a = np.cos(angle[start : start + BOUND_BATCH]).reshape(shape)
            s = np.sin(angle[start : start + BOUND_BATCH]).reshape(shape)
            noisy = a * x + s * rng.standard_normal(x.shape)
            t = times[start : start + BOUND_BATCH]
            given = None if condition is None else condition[which]
            output = ops.convert_to_numpy(
                ops.cast(
                    self._predict(
                        ops.convert_to_tensor(noisy, "float32"),
                        ops.convert_to_tensor(t, "float32"),
                        given,
                        use_ema=True,
                    ),
                    "float32",
                )
            ).astype("float64")
            denoised = np.clip(self._denoised(noisy, output, a, s), -1.0, 1.0)
            errors[start : start + len(which)] = np.sum(
                (x - denoised) ** 2, axis=pixel_axes
            )
        weighted = np.exp(log_snr.reshape(-1)) * errors
        diffusion = (
            0.5
            * (log_snr_max - log_snr_min)
            * weighted.reshape(count, time_samples).mean(axis=1)
        )
        return prior + decoder + diffusion

    # --- Serialization ------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "prediction": self.prediction,
                "sampling_steps": self.sampling_steps,
                "base_filters": self.base_filters,
                "ema": self.ema,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class ConditionalDiffusion(Diffusion):
    """A class-conditional diffusion model with classifier-free guidance (Ho & Salimans, 2022).

    `Diffusion` with a class-label condition, written on its hooks: the
    U-Net embeds the label beside the noise level, training replaces each
    label by "no label" (`num_classes`) with probability `label_dropout`,
    so that one network learns both predictions, and `generate(...,
    guidance=w)` mixes them, `uncond + w (cond - uncond)`, at two network
    passes per step.

    Args:
        num_classes: number of classes; labels lie in `[0, num_classes)`.
        image_shape: `(height, width, channels)`. Default `(28, 28, 1)`.
        label_dropout: share of labels dropped in training. Default 0.1.
        **kwargs: passed to `Diffusion` (`prediction`, `sampling_steps`,
            `base_filters`, `ema`, `network`, `seed`).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    model = kg.ConditionalDiffusion(3, image_shape=(8, 8, 1), base_filters=8,
                                    sampling_steps=4)
    model.compile()
    images = np.random.uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    model.fit(images, np.arange(32) % 3, batch_size=16, epochs=1, verbose=0)
    model.generate(labels=[0, 1, 2], seed=0, guidance=2.0).shape  # (3, 8, 8, 1)
    ```
    """

    presets = {
        "mnist": {
            "description": "The ten MNIST digits at 28x28: the mnist Diffusion "
            "with the label embedded, 10% of labels dropped.",
            "data": "mnist",
            "config": {
                "num_classes": 10,
                "image_shape": (28, 28, 1),
                "base_filters": 16,
            },
        },
    }

    def __init__(
        self, num_classes, image_shape=(28, 28, 1), label_dropout=0.1, **kwargs
    ):
        self.condition = ClassLabel(num_classes)
        if not 0.0 <= label_dropout < 1.0:
            raise ValueError(
                f"`label_dropout` is a probability in [0, 1); got {label_dropout!r}."
            )
        self.label_dropout = float(label_dropout)
        super().__init__(image_shape=image_shape, **kwargs)

    @property
    def num_classes(self):
        return self.condition.num_classes

    def build_network(self):
        return networks.diffusion_unet(
            self.image_shape, self.base_filters, num_classes=self.num_classes
        )

    def network_inputs(self, noisy, t, condition):
        return [noisy, t, ops.reshape(ops.cast(condition, "int32"), (-1,))]

    def drop_condition(self, condition):
        labels = ops.reshape(ops.cast(condition, "int32"), (-1,))
        if not self.label_dropout:
            return labels
        dropped = self._replica_share(
            lambda size: keras.random.uniform((size,), seed=self.seed_generator),
            ops.shape(labels)[0],
        )
        return ops.where(dropped < self.label_dropout, self.num_classes, labels)

    def null_condition(self, condition):
        labels = ops.reshape(ops.cast(condition, "int32"), (-1,))
        return ops.full_like(labels, self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"num_classes": self.num_classes, "label_dropout": self.label_dropout}
        )
        return config
